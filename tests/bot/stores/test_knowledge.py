"""Swapping the served base without a restart: atomic, all-or-nothing, and never mixed."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import bot.stores.knowledge as knowledge_store
from bot.stores.knowledge import (
    KnowledgeStore,
    ReloadOutcome,
    Snapshot,
    directory_fingerprint,
    install_reload_signal,
)
from intents.formats import format_number
from knowledge import KnowledgeError
from tests.bot.tiny_base import NEW_ANSWER, NEW_QUESTION, QUESTION, write_base


def ask(snapshot: Snapshot, question: str) -> tuple[str, tuple[str, ...]]:
    """The reply's text and citations: everything a base contributes to an answer."""
    reply = snapshot.responder.reply(question, context=None, language_hint="en")
    return reply.text, tuple(s.citation for s in reply.sources)


def version_of(snapshot: Snapshot) -> str:
    """Which tiny base a snapshot holds ("A" or "B"), read from its citation."""
    return snapshot.kb.sources["release"].citation["en"].rsplit(" ", 1)[-1]


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``condition()`` holds (background work finishes when it finishes)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    return write_base(tmp_path / "kb", "a")


@pytest.fixture
def store(base_dir: Path) -> KnowledgeStore:
    return KnowledgeStore(base_dir)


def test_the_store_serves_the_base_it_loaded(store: KnowledgeStore) -> None:
    snapshot = store.current
    assert version_of(snapshot) == "A"
    assert list(snapshot.kb.entries) == ["residents"]
    text, citations = ask(snapshot, QUESTION)
    assert "1,234" in text and citations == ("Press release A",)


def test_a_broken_initial_base_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        KnowledgeStore(write_base(tmp_path / "kb", "a", broken=True))
    assert all(p.file == "entries.yaml" and p.line > 0 for p in caught.value.problems)


def test_a_good_reload_swaps_the_base_and_summarises_the_change(
    store: KnowledgeStore, base_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = store.current
    write_base(base_dir, "b")

    with caplog.at_level(logging.INFO, logger="bot.stores.knowledge"):
        outcome = store.reload()

    assert outcome.ok and outcome.problems == ()
    assert store.current is not before and version_of(store.current) == "B"
    assert outcome.diff is not None
    assert list(outcome.diff.entries.added) == ["trade-fair"]
    assert list(outcome.diff.entries.changed) == ["residents"]
    assert not outcome.diff.entries.removed and not outcome.diff.facts.added
    summary = outcome.summary("en")
    assert "Entries: 2 (1 added, 0 removed, 1 changed)" in summary
    assert "+ trade-fair" in summary and "~ residents" in summary
    # the time as every number is written (Babel: 0.1, not 0.10)
    assert f"reloaded in {format_number(outcome.seconds, 'en')} s." in summary
    assert NEW_ANSWER in ask(store.current, NEW_QUESTION)[0]
    assert any(r.levelno == logging.INFO and "reloaded" in r.getMessage() for r in caplog.records)


def test_an_answer_under_way_finishes_on_the_base_it_started_with(
    store: KnowledgeStore, base_dir: Path
) -> None:
    started_on = store.current  # a handler reads the store once per update
    old_answer = ask(started_on, QUESTION)
    write_base(base_dir, "b")
    assert store.reload().ok

    assert ask(started_on, QUESTION) == old_answer
    assert ask(store.current, QUESTION) != old_answer


def test_a_broken_reload_keeps_serving_the_last_good_base(
    store: KnowledgeStore, base_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = store.current
    answer_before = ask(before, QUESTION)
    write_base(base_dir, "b", broken=True)

    with caplog.at_level(logging.WARNING, logger="bot.stores.knowledge"):
        outcome = store.reload()

    assert not outcome.ok and outcome.diff is None
    assert store.current is before
    assert ask(store.current, QUESTION) == answer_before
    lines = (base_dir / "entries.yaml").read_text(encoding="utf-8").splitlines()
    broken = {n for n, line in enumerate(lines, start=1) if "no-such-fact" in line}
    assert {(p.file, p.line) for p in outcome.problems} == {("entries.yaml", n) for n in broken}
    summary = outcome.summary("en")
    assert "Reload failed: 2 problem(s)" in summary and "Still serving the previous base" in summary
    assert f"entries.yaml:{min(broken)}:" in summary and "no-such-fact" in summary
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning and "no-such-fact" in warning[0].getMessage()


def test_after_a_broken_reload_fixing_the_files_reloads_fine(
    store: KnowledgeStore, base_dir: Path
) -> None:
    write_base(base_dir, "b", broken=True)
    assert not store.reload().ok
    write_base(base_dir, "b")
    outcome = store.reload()
    assert outcome.ok and outcome.diff is not None and version_of(store.current) == "B"
    assert list(outcome.diff.entries.added) == ["trade-fair"]  # compared with what was served


def test_summaries_speak_german_and_japanese(store: KnowledgeStore, base_dir: Path) -> None:
    write_base(base_dir, "b")
    outcome = store.reload()
    assert "Einträge: 2 (1 neu, 0 entfernt, 1 geändert)" in outcome.summary("de")
    assert "エントリー：2件" in outcome.summary("ja")
    write_base(base_dir, "b", broken=True)
    failed = store.reload()
    assert "fehlgeschlagen" in failed.summary("de")
    assert "失敗" in failed.summary("ja")


def test_an_unchanged_reload_says_nothing_changed(store: KnowledgeStore) -> None:
    outcome = store.reload()
    assert outcome.ok and "Nothing changed." in outcome.summary("en")


def test_answers_racing_reloads_each_come_from_exactly_one_base(
    store: KnowledgeStore, tmp_path: Path, base_dir: Path
) -> None:
    expected = {}
    for version in ("a", "b"):
        other = KnowledgeStore(write_base(tmp_path / version, version))
        expected[version.upper()] = ask(other.current, QUESTION)
    assert expected["A"] != expected["B"]
    stop = threading.Event()
    seen: list[tuple[str, tuple[str, tuple[str, ...]]]] = []
    failures: list[BaseException] = []

    def answer_repeatedly() -> None:
        try:
            while not stop.is_set():
                snapshot = store.current  # once per "update", as handlers do
                seen.append((version_of(snapshot), ask(snapshot, QUESTION)))
        except BaseException as error:
            failures.append(error)

    askers = [threading.Thread(target=answer_repeatedly) for _ in range(3)]
    for thread in askers:
        thread.start()
    try:
        for round_ in range(12):
            write_base(base_dir, "ab"[round_ % 2])
            assert store.reload().ok
    finally:
        stop.set()
        for thread in askers:
            thread.join()

    assert failures == []
    assert seen
    for version, answer in seen:
        assert answer == expected[version]


def test_concurrent_reloads_run_one_at_a_time(
    store: KnowledgeStore, base_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_load = knowledge_store.load_in_child  # a reload reads the base in a child process
    active, most = [0], [0]
    guard = threading.Lock()

    def counting_load(directory, **limits):  # the real loader, with a count of loads in flight
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            threading.Event().wait(0.02)  # widen the window in which an overlap would show
            return real_load(directory, **limits)
        finally:
            with guard:
                active[0] -= 1

    monkeypatch.setattr(knowledge_store, "load_in_child", counting_load)
    write_base(base_dir, "b")
    outcomes = []
    threads = [threading.Thread(target=lambda: outcomes.append(store.reload())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert most[0] == 1
    assert len(outcomes) == 4 and all(o.ok for o in outcomes)


async def test_async_reloads_are_serialised_and_all_answered(
    store: KnowledgeStore, base_dir: Path
) -> None:
    write_base(base_dir, "b")
    outcomes = await asyncio.gather(*(store.areload() for _ in range(3)))
    assert all(o.ok for o in outcomes)
    assert [len(o.diff.entries.added) if o.diff else None for o in outcomes] == [1, 0, 0]
    assert version_of(store.current) == "B"


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
async def test_sighup_reloads_the_base(store: KnowledgeStore, base_dir: Path) -> None:
    loop = asyncio.get_running_loop()
    assert install_reload_signal(loop, store)
    try:
        write_base(base_dir, "b")
        os.kill(os.getpid(), signal.SIGHUP)
        await eventually(lambda: version_of(store.current) == "B")
    finally:
        loop.remove_signal_handler(signal.SIGHUP)
    assert "trade-fair" in store.current.kb.entries


async def test_watch_mode_reloads_when_a_file_changes(
    store: KnowledgeStore, base_dir: Path
) -> None:
    outcomes: list[ReloadOutcome] = []
    watcher = asyncio.create_task(store.watch(interval=0.05, on_reload=outcomes.append))
    try:
        await asyncio.sleep(0.1)  # let the watcher take its first look
        assert outcomes == []
        write_base(base_dir, "b")
        await eventually(lambda: bool(outcomes))
        assert outcomes[0].ok and version_of(store.current) == "B"

        write_base(base_dir, "b", broken=True)
        await eventually(lambda: len(outcomes) == 2)
        assert not outcomes[1].ok and version_of(store.current) == "B"
        assert not store.changed_on_disk()  # the broken files are not retried until edited
    finally:
        watcher.cancel()
        with pytest.raises(asyncio.CancelledError):
            await watcher


def test_the_fingerprint_sees_edits_new_files_and_ignores_editor_droppings(base_dir: Path) -> None:
    first = directory_fingerprint(base_dir)
    (base_dir / ".entries.yaml.swp").write_text("x")
    (base_dir / "entries.yaml~").write_text("x")
    assert directory_fingerprint(base_dir) == first
    (base_dir / "more").mkdir()
    (base_dir / "more" / "extra.yaml").write_text("entries: []\n")
    second = directory_fingerprint(base_dir)
    assert second != first
    path = base_dir / "facts.yaml"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert directory_fingerprint(base_dir) != second
