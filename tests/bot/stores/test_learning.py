"""A base the bot has not learned is learned by a child process, and the bot restores it
from the model file; a child that cannot learn it costs nothing but the bot's own learning.
Real child processes, real model files in a temporary directory."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest

from bot.stores.knowledge import KnowledgeStore
from bot.stores.learning import learn_in_child
from bot.stores.models import ModelFiles
from intents.matcher import learning_key
from knowledge.loader import load_knowledge
from tests.bot.tiny_base import QUESTION, write_base

pytestmark = pytest.mark.timeout(120)


def unlearned_base(tmp_path: Path) -> Path:
    """The tiny base with a comment of its own: a fingerprint no process has learned."""
    directory = write_base(tmp_path / "base")
    with (directory / "base.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"# {uuid.uuid4()}\n")
    return directory


def test_a_base_not_learned_yet_is_learned_by_a_child_and_restored(tmp_path: Path) -> None:
    directory = unlearned_base(tmp_path)
    models = ModelFiles(tmp_path / "models")
    assert not models.holds(learning_key(load_knowledge(directory)))
    store = KnowledgeStore(directory, models=models)
    assert models.holds(learning_key(store.current.kb))
    assert store.current.responder.reply(QUESTION).answered


def test_a_child_out_of_time_is_reported_and_learns_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kb = load_knowledge(unlearned_base(tmp_path))
    models = ModelFiles(tmp_path / "models")
    with caplog.at_level(logging.WARNING, logger="bot.stores.learning"):
        assert not learn_in_child(kb, models.directory, timeout=0.01)
    assert "more than" in caplog.text
    assert not models.holds(learning_key(kb))


def test_when_no_model_file_can_be_written_the_bot_learns_the_base_itself(tmp_path: Path) -> None:
    directory = unlearned_base(tmp_path)
    (tmp_path / "models").write_text("a file where the models' folder would be")
    store = KnowledgeStore(directory, models=ModelFiles(tmp_path / "models"))
    assert store.current.responder.reply(QUESTION).answered
