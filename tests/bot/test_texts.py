"""The bot's own words (bot/data/texts.yaml): complete in every UI language, each key used,
one register, a label for every topic and a menu line for every public command."""

from __future__ import annotations

from pathlib import Path

import bot
from bot import texts
from bot.telegram.handlers import PUBLIC_COMMANDS
from knowledge import KnowledgeBase
from knowledge.diff import BaseDiff, KindDiff
from knowledge.loader import load_knowledge
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR
from tests.catalogue_rules import layout_problems, lookups, missing, register_problems, unused

# text() itself, and the two helpers that take a key and pass it on to it.
USED = lookups(Path(bot.__file__).parent, frozenset({"text", "_say", "text_page"}))


def family(name: str) -> set[str]:
    return {key.removeprefix(name) for key in texts.TEXTS if key.startswith(name)}


def test_every_text_exists_in_every_language_with_the_same_placeholders() -> None:
    assert layout_problems(texts.TEXTS.path) == []
    assert texts.text("flood", "fr") == texts.text("flood", "en")


def test_every_key_the_code_looks_up_is_in_the_catalogue() -> None:
    assert missing(texts.TEXTS, USED) == []


def test_every_key_in_the_catalogue_is_looked_up() -> None:
    assert unused(texts.TEXTS, USED) == []


def test_german_says_sie_and_japanese_sentences_end_in_desu_masu() -> None:
    assert register_problems(texts.TEXTS) == []


def test_command_menus_describe_every_public_command_in_every_language() -> None:
    assert family("command.") == set(PUBLIC_COMMANDS)
    for language in texts.UI_LANGUAGES:
        for command in PUBLIC_COMMANDS:
            assert 3 <= len(texts.command_description(command, language)) <= 256  # Telegram's


def test_every_topic_of_the_shipped_base_has_a_label_and_no_label_is_stale() -> None:
    kb: KnowledgeBase = load_knowledge(SHIPPED_KNOWLEDGE_DIR)
    assert family("topic.") == {entry.topic for entry in kb.entries.values() if entry.topic}
    assert texts.topic_name("figures", "de") == "Zahlen"
    assert texts.topic_name("not-a-topic", "de") == "not-a-topic"


def test_every_kind_a_reload_counts_has_a_label() -> None:
    kinds = {name for name, kind in BaseDiff.__annotations__.items() if kind == KindDiff.__name__}
    assert kinds and family("kind.") == kinds
