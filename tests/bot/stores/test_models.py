"""Learned matchers in files: restored exactly, never from a damaged file, and pruned."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.stores.knowledge import KnowledgeStore
from bot.stores.models import KEEP, ModelFiles
from intents.matcher import Matcher, learning_key
from knowledge import KnowledgeBase
from knowledge.loader import load_knowledge
from tests.bot.tiny_base import QUESTION, write_base

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.fixture(scope="module")
def coworking() -> KnowledgeBase:
    return load_knowledge(FIXTURES / "other_base")


def questions() -> list[str]:
    cases = yaml.safe_load((FIXTURES / "other_base_cases.yaml").read_text(encoding="utf-8"))
    return [str(case["question"]) for case in cases]


def test_a_restored_matcher_matches_as_the_learned_one(
    coworking: KnowledgeBase, tmp_path: Path
) -> None:
    learned = Matcher(coworking)
    files = ModelFiles(tmp_path)
    files.put(learning_key(coworking), learned.learned())
    kept = files.get(learning_key(coworking))
    assert kept is not None
    restored = Matcher.restore(coworking, kept)
    assert restored is not learned
    for question in questions():
        ours = learned.match(learned.analyser.analyse(question))
        theirs = restored.match(restored.analyser.analyse(question))
        assert (theirs.decision, theirs.candidates) == (ours.decision, ours.candidates)
    assert restored.calibration == learned.calibration


def test_the_key_names_the_base_and_the_code(coworking: KnowledgeBase, tmp_path: Path) -> None:
    tiny = load_knowledge(write_base(tmp_path / "kb", "a"))
    key = learning_key(coworking)
    assert key.startswith(coworking.fingerprint)
    assert learning_key(tiny) != key
    assert learning_key(tiny).split("-")[-1] == key.split("-")[-1]  # same code


def test_a_damaged_file_is_deleted_and_never_read(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path)
    files.put("abc", {"weights": [1, 2, 3]})
    path = tmp_path / "abc.pickle"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert files.get("abc") is None
    assert not path.exists()
    assert files.get("abc") is None  # and stays a miss


def test_a_file_cut_short_is_a_miss(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path)
    files.put("abc", {"weights": list(range(1000))})
    path = tmp_path / "abc.pickle"
    path.write_bytes(path.read_bytes()[:100])
    assert files.get("abc") is None


def test_only_the_most_recently_used_files_are_kept(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path)
    for i in range(KEEP + 2):
        files.put(f"k{i}", {"i": i})
    kept = sorted(p.stem for p in tmp_path.glob("*.pickle"))
    assert len(kept) == KEEP
    assert "k0" not in kept and f"k{KEEP + 1}" in kept
    assert not list(tmp_path.glob("*.tmp"))


def test_files_are_private(tmp_path: Path) -> None:
    files = ModelFiles(tmp_path / "models")
    files.put("abc", {"i": 1})
    assert (tmp_path / "models").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "models" / "abc.pickle").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("key", ["", "../escape", "a/b", "a.b"])
def test_a_key_is_never_a_path(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a model key"):
        ModelFiles(tmp_path).get(key)


def test_an_unwritable_directory_costs_the_file_not_the_answer(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    files = ModelFiles(blocker / "models")
    files.put("abc", {"i": 1})  # logged, not raised
    assert files.get("abc") is None


def test_the_store_keeps_what_it_learned(tmp_path: Path) -> None:
    base = write_base(tmp_path / "kb", "a")
    # A base of its own (a process learns a base once, whatever other tests loaded).
    (base / "base.yaml").write_text(
        (base / "base.yaml").read_text(encoding="utf-8") + f"# {tmp_path.name}\n",
        encoding="utf-8",
    )
    files = ModelFiles(tmp_path / "models")
    store = KnowledgeStore(base, models=files)
    key = learning_key(store.current.kb)
    assert files.get(key) is not None
    assert store.current.responder.reply(QUESTION, language_hint="en").answered


def test_a_process_that_restores_a_learned_matcher_answers_without_scikit_learn(
    coworking: KnowledgeBase, tmp_path: Path
) -> None:
    ModelFiles(tmp_path).put(learning_key(coworking), Matcher(coworking).learned())
    script = (
        "import sys\n"
        "from bot.stores.models import ModelFiles\n"
        "from intents.responder import Responder\n"
        "from knowledge.loader import load_knowledge\n"
        "import bot.telegram.app  # the whole bot, imported as it runs\n"
        "responder = Responder(load_knowledge(sys.argv[1]), ModelFiles(sys.argv[2]))\n"
        "reply = responder.reply(sys.argv[3])\n"
        "print(reply.kind, sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(FIXTURES / "other_base"), str(tmp_path), questions()[0]],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    kind, modules = done.stdout.strip().split(" ", 1)
    assert kind in {"answer", "did_you_mean", "small_talk", "not_on_file"}
    assert modules == "[]", "scikit-learn is for learning; answering must not load it"
