"""The curator's core: edits land checked, logged and reversible, or not at all."""

from __future__ import annotations

import shutil
import stat
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.curation.curator import (
    ALREADY_THERE,
    CHECK_FAILED,
    NOTHING_TO_UNDO,
    READ_ONLY,
    RELOAD_FAILED,
    UNKNOWN_ENTRY,
    Curator,
    sha256,
)
from bot.insights.questions import QuestionInsights
from bot.stores.knowledge import KnowledgeStore
from bot.stores.question_log import QuestionLog
from intents.reply import Reply
from knowledge.loader import check_knowledge, load_knowledge
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR
from tests.bot.tiny_base import write_base

# Entries of the two smallest files of the shipped base: quick to rewrite in the property test.
SMALL_ENTRIES = ("named-companies", "ntt-cumulocity", "nrw-invest")
GAP = "What day does the exhibition start?"  # the tiny base "b" declines it


def snapshot(directory: Path) -> dict[str, bytes]:
    files = (p for p in directory.rglob("*") if p.is_file())
    return {str(p.relative_to(directory)): p.read_bytes() for p in files}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_base(tmp_path / "kb", "b")


def curator_for(base: Path, data: Path, **options: object) -> Curator:
    return Curator.for_data_dir(base, data, **options)  # type: ignore[arg-type]


def test_an_add_is_written_logged_and_undone_exactly(tiny: Path, tmp_path: Path) -> None:
    curator = curator_for(tiny, tmp_path / "data")
    before = snapshot(tiny)

    added = curator.add("trade-fair", GAP, 7)

    assert added.ok and added.language == "en" and added.edit is not None
    base = load_knowledge(tiny)
    assert base.entries["trade-fair"].questions["en"][-1] == GAP
    assert added.edit.before_sha256 == sha256(before["entries.yaml"])
    assert added.edit.after_sha256 == sha256((tiny / "entries.yaml").read_bytes())
    assert (tmp_path / "data" / "curation.sqlite3").stat().st_mode & 0o777 == 0o600

    undone = curator.undo(7)
    assert undone.ok and undone.exact and snapshot(tiny) == before
    assert [e.action for e in curator.edits()] == ["undo", "add"]
    assert curator.edits()[1].undone_by == undone.edit.id  # type: ignore[union-attr]
    assert curator.undo(7).refusal == NOTHING_TO_UNDO


def test_the_language_is_detected_unless_given(tiny: Path, tmp_path: Path) -> None:
    curator = curator_for(tiny, tmp_path / "data")
    assert curator.add("trade-fair", "Wann öffnet die Ausstellung?", 1).language == "de"
    assert curator.add("trade-fair", "Messe Digital Termin", 1, language="de").language == "de"


def test_a_refused_add_writes_and_logs_nothing(tiny: Path, tmp_path: Path) -> None:
    curator = curator_for(tiny, tmp_path / "data")
    before = snapshot(tiny)
    assert curator.add("no-such-entry", "A question?", 1).refusal == UNKNOWN_ENTRY
    duplicate = curator.add("trade-fair", "how many japanese live in sampleton", 1)
    assert duplicate.refusal == ALREADY_THERE and duplicate.other == "residents"
    assert snapshot(tiny) == before and curator.edits() == []


def test_an_edit_that_fails_a_check_writes_nothing(tiny: Path, tmp_path: Path) -> None:
    # knowledge.limits: all YAML and source files together at most 10 MiB, one file at most
    # 2 MiB. Files of comments fill the base to a few bytes short of the total, so it loads
    # today and would not with one more phrasing.
    total, per_file = 10 * 1024 * 1024, 2 * 1024 * 1024
    left = total - sum(p.stat().st_size for p in tiny.iterdir()) - 10
    number = 0
    while left > 0:
        size = min(left, per_file - 1024)
        head = b"facts: []\n#"
        (tiny / f"padding-{number}.yaml").write_bytes(head + b"x" * (size - len(head) - 1) + b"\n")
        left -= size
        number += 1
    assert check_knowledge(tiny)[0] is not None
    before = snapshot(tiny)

    outcome = curator_for(tiny, tmp_path / "data").add("trade-fair", "When is the fair open?", 1)

    assert outcome.refusal == CHECK_FAILED and outcome.problems
    assert snapshot(tiny) == before


def test_a_base_broken_by_hand_is_not_built_on(tiny: Path, tmp_path: Path) -> None:
    write_base(tiny, "b", broken=True)
    before = snapshot(tiny)
    outcome = curator_for(tiny, tmp_path / "data").add("trade-fair", "When is the fair open?", 1)
    assert outcome.refusal == CHECK_FAILED and "no-such-fact" in str(outcome.problems)
    assert snapshot(tiny) == before


def test_a_read_only_base_is_refused_before_writing(tiny: Path, tmp_path: Path) -> None:
    curator = curator_for(tiny, tmp_path / "data")
    mode = stat.S_IMODE(tiny.stat().st_mode)
    tiny.chmod(mode & ~0o222)
    try:
        assert curator.read_only()
        assert curator.add("trade-fair", "When is the fair open?", 1).refusal == READ_ONLY
    finally:
        tiny.chmod(mode)
    assert not curator.read_only()


def test_a_reload_that_fails_restores_the_file(tiny: Path, tmp_path: Path) -> None:
    # A reload child with 1 MB of address space cannot even start Python.
    store = KnowledgeStore(tiny, reload_memory_limit=1024 * 1024)
    before = snapshot(tiny)

    outcome = curator_for(tiny, tmp_path / "data", store=store).add(
        "trade-fair", "When is the fair open?", 1
    )

    assert outcome.refusal == RELOAD_FAILED and outcome.problems
    assert snapshot(tiny) == before


def test_through_the_store_the_edit_is_served_and_assessed(tiny: Path, tmp_path: Path) -> None:
    store = KnowledgeStore(tiny, reload_memory_limit=None)
    question = GAP
    assert store.current.responder.reply(question).entry != "trade-fair"

    outcome = curator_for(tiny, tmp_path / "data", store=store).add("trade-fair", question, 1)

    assert outcome.reload is not None and outcome.reload.ok
    assert outcome.assessed and outcome.reached == "trade-fair"
    reply = store.current.responder.reply(question)
    assert reply.answered and reply.entry == "trade-fair"


def test_two_admins_adding_at_once_both_land(tiny: Path, tmp_path: Path) -> None:
    # Two curators, as the bot and a `curate` command would be: one data directory, one base.
    curators = [curator_for(tiny, tmp_path / "data") for _ in range(2)]
    phrasings = ["When does the fair open its doors?", "Which day is the Messe Digital?"]
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def add(index: int) -> None:
        start.wait()
        outcomes[index] = curators[index].add("trade-fair", phrasings[index], 100 + index)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(o.ok for o in outcomes)  # type: ignore[attr-defined]
    questions = load_knowledge(tiny).entries["trade-fair"].questions["en"]
    assert set(phrasings) <= set(questions)
    first, second = sorted(curators[0].edits(), key=lambda e: e.id)
    assert second.before_sha256 == first.after_sha256  # the second built on the first


def test_undoing_an_edit_keeps_a_later_one_of_another_admin(tiny: Path, tmp_path: Path) -> None:
    curator = curator_for(tiny, tmp_path / "data")
    before = snapshot(tiny)
    curator.add("trade-fair", "When does the fair open its doors?", 1)
    curator.add("residents", "Japanese population of the town?", 2)

    first = curator.undo(1)
    assert first.ok and not first.exact  # told apart from a byte-for-byte restore
    questions = load_knowledge(tiny).entries
    assert "When does the fair open its doors?" not in questions["trade-fair"].questions["en"]
    assert "Japanese population of the town?" in questions["residents"].questions["en"]
    assert curator.undo(2).ok and snapshot(tiny) == before


def test_the_work_list_leaves_out_what_was_reviewed(tiny: Path, tmp_path: Path) -> None:
    curator = curator_for(tiny, tmp_path / "data")
    with QuestionLog(tmp_path / "questions.sqlite3") as log:
        for question in [GAP, "Is there a school?"]:
            log.record(Reply(question, "en", False, "not_on_file", "…"))
        groups = QuestionInsights(log).unanswered(limit=None)
    work = curator.work_list(groups, None)
    assert [g.example for g in work] == ["Is there a school?", GAP]
    fair = work[1]
    assert fair.candidates[0].entry == "trade-fair" and 0 < fair.candidates[0].confidence < 1

    curator.decline(curator.item(curator.issue(work[0], 5), 5), 5)  # type: ignore[arg-type]

    assert [g.example for g in curator.work_list(groups, None)] == [fair.example]
    assert curator.item(curator.issue(fair, 5), 6) is None  # shown to admin 5 only


# Phrasings as users type them, with what YAML might misread: colons, quotes, hashes,
# dashes, brackets, Japanese.
PHRASINGS = st.text(
    alphabet=st.sampled_from(list("abcxyz ÄöüßQ?!:#-'\"[]{},&*|>%@`デュ市は？")),
    min_size=1,
    max_size=30,
)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.sampled_from(SMALL_ENTRIES),
            st.sampled_from(("en", "de", "ja")),
            PHRASINGS,
            st.sampled_from((1, 2)),
        ),
        st.tuples(st.just("undo"), st.sampled_from((1, 2))),
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_any_adds_and_undos_keep_the_base_valid_and_undo_to_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory, operations: list[tuple[object, ...]]
) -> None:
    root = tmp_path_factory.mktemp("property")
    base = root / "kb"
    shutil.copytree(SHIPPED_KNOWLEDGE_DIR, base)
    original = snapshot(base)
    curator = curator_for(base, root / "data")
    try:
        for operation in operations:
            before = snapshot(base)
            if operation[0] == "add":
                _, entry, language, phrasing, admin = operation
                outcome = curator.add(str(entry), str(phrasing), int(admin), language=str(language))  # type: ignore[call-overload]
            else:
                outcome = curator.undo(int(operation[1]))  # type: ignore[call-overload]
            if not outcome.ok:
                assert snapshot(base) == before, outcome  # refused: nothing written
            assert check_knowledge(base)[0] is not None  # every intermediate base passes
        for admin in (1, 2):
            while curator.undo(admin).ok:
                assert check_knowledge(base)[0] is not None
        assert snapshot(base) == original
    finally:
        curator.close()
