"""The question log: what it never keeps, that what it acknowledged stays, and its retention."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path
from threading import Thread

import pytest

from bot.insights.statistics import question_stats
from bot.stores.migrations import SchemaError
from bot.stores.question_log import QuestionLog, normalize_question
from intents.reply import EMPTY, NOT_ON_FILE, Reply
from tests.bot.logged_questions import NOW, answered, kept_questions, unanswered

ROOT = Path(__file__).resolve().parents[3]


def all_cells(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}


def all_columns(path: Path) -> dict[str, set[str]]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: {r[1] for r in db.execute(f'PRAGMA table_info("{t}")')} for t in tables}


# -- privacy ----------------------------------------------------------------------------


def test_every_column_of_every_table_is_question_data_never_a_person(qlog: QuestionLog) -> None:
    qlog.record(unanswered("Do you know tax rates?"))
    columns = set().union(*all_columns(qlog.path).values())
    personal = {
        "user",
        "user_id",
        "chat",
        "chat_id",
        "username",
        "name",
        "first_name",
        "last_name",
        "from",
        "sender",
        "phone",
    }
    assert columns.isdisjoint(personal)
    assert columns <= {
        "id",
        "asked_at",
        "day",
        "question",
        "normalized",
        "language",
        "kind",
        "best_entry",
        "score",
        "entry",
        "answered",
        "count",
    }


def test_an_answered_question_leaves_counts_but_no_text(qlog: QuestionLog) -> None:
    qlog.record(
        answered("How many Japanese firms sit in Düsseldorf, zebra?", "companies-duesseldorf")
    )
    cells = [str(v) for rows in all_cells(qlog.path).values() for row in rows for v in row]
    assert not any("zebra" in cell for cell in cells)
    assert question_stats(qlog, 1).top_entries == (("companies-duesseldorf", 1),)


def test_unanswered_record_holds_text_language_time_and_best_candidate(qlog: QuestionLog) -> None:
    qlog.record(
        unanswered(
            "Wie hoch ist die Gewerbesteuer?", "de", candidate="nrw-largest-state", score=51.5
        )
    )
    (row,) = all_cells(qlog.path)["unanswered"]
    _, asked_at, day, question, _, language, kind, best_entry, score = row
    assert (question, language, kind, best_entry, score) == (
        "Wie hoch ist die Gewerbesteuer?",
        "de",
        NOT_ON_FILE,
        "nrw-largest-state",
        51.5,
    )
    assert datetime.fromisoformat(asked_at) == NOW
    assert day == "2024-05-20"


def test_empty_questions_are_not_counted(qlog: QuestionLog) -> None:
    qlog.record(Reply(question="  ", language="en", answered=False, kind=EMPTY, text=""))
    assert question_stats(qlog, 1).total == 0
    assert kept_questions(qlog) == []


def test_normalisation_folds_case_width_punctuation_and_spacing() -> None:
    assert normalize_question("  Ｔａｘ   RATES,  in NRW?! ") == "tax rates in nrw"
    assert normalize_question("日本人学校は？") == "日本人学校は"


# -- retention --------------------------------------------------------------------------


def test_purge_removes_records_and_counts_older_than_retention(
    qlog: QuestionLog, clock: list[datetime]
) -> None:
    qlog.record(unanswered("old question"), NOW - timedelta(days=31))
    qlog.record(answered("old", "companies-nrw"), NOW - timedelta(days=31))
    qlog.record(unanswered("recent question"), NOW - timedelta(days=29))

    assert qlog.purge(NOW) == 1

    assert kept_questions(qlog) == ["recent question"]
    assert question_stats(qlog, 60, NOW).total == 1


def test_opening_the_log_purges_expired_records(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    with QuestionLog(path, retention_days=30, clock=lambda: NOW) as log:
        log.record(unanswered("expires"), NOW - timedelta(days=40))
        log.record(unanswered("stays"), NOW)
    with QuestionLog(path, retention_days=30, clock=lambda: NOW) as log:
        assert kept_questions(log) == ["stays"]


def test_a_day_later_recording_purges_lazily(qlog: QuestionLog, clock: list[datetime]) -> None:
    qlog.record(unanswered("first"))
    clock[0] = NOW + timedelta(days=31)
    qlog.record(unanswered("a month later"))
    assert kept_questions(qlog) == ["a month later"]


# -- persistence ------------------------------------------------------------------------


def test_a_restart_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    with QuestionLog(path, clock=lambda: NOW) as log:
        log.record(unanswered("kept across restarts"))
        log.record(answered("x", "companies-nrw"))
    with QuestionLog(path, clock=lambda: NOW) as log:
        assert kept_questions(log) == ["kept across restarts"]
        assert question_stats(log, 1).total == 2
        assert log.schema_version == 1


def test_the_database_uses_wal(qlog: QuestionLog) -> None:
    with sqlite3.connect(qlog.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_empty_database_file_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    sqlite3.connect(path).close()
    with QuestionLog(path) as log:
        assert log.schema_version == 1
        log.record(unanswered("works"))


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaError, match="newer"):
        QuestionLog(path)


def test_records_from_many_threads_are_all_counted(qlog: QuestionLog) -> None:
    def ask(n: int) -> None:
        for i in range(20):  # answered ones are counted in memory, the others on disk
            question = f"thread {n} question {i}"
            qlog.record(unanswered(question) if i % 2 else answered(question, "companies-nrw"))

    threads = [Thread(target=ask, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stats = question_stats(qlog, 1)
    assert (stats.total, stats.answered) == (80, 40)
    assert len(kept_questions(qlog)) == 40


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_after_sigkill_every_unanswered_question_survives_with_the_counts_before_it(
    tmp_path: Path,
) -> None:
    """What a killed process keeps: every unanswered question it recorded (committed before
    ``record`` returned) and every count recorded up to the last of them (written in the
    same transaction). Counts of answered questions after it were only in memory (written
    at most ``flush_seconds`` later, here never): those are the only records lost."""
    path = tmp_path / "q.sqlite3"
    script = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from bot.stores.question_log import QuestionLog
        from intents.reply import Reply
        log = QuestionLog(Path({str(path)!r}), flush_seconds=3600)
        def answered():
            log.record(Reply(question="q", language="en", answered=True, kind="answer",
                             text="", entries=("companies-nrw",), score=97.0))
        for i in range(3):
            answered()
            log.record(Reply(question=f"survives {{i}}", language="en", answered=False,
                             kind="not_on_file", text=""))
        answered()
        answered()
        print("recorded", flush=True)
        time.sleep(60)  # killed here, never closed
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "recorded"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        if child.stdout:
            child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    with QuestionLog(path) as log:
        assert kept_questions(log) == [f"survives {i}" for i in range(3)]
        stats = question_stats(log, 1)
        assert (stats.answered, stats.total) == (3, 6)  # the last two answered ones are lost


def test_counts_of_answered_questions_reach_the_disk_within_flush_seconds(
    tmp_path: Path,
) -> None:
    path = tmp_path / "q.sqlite3"
    with QuestionLog(path, flush_seconds=0.01) as log:
        log.record(answered("q", "companies-nrw"))
        deadline = time.monotonic() + 10
        while not all_cells(path)["daily_counts"] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert all_cells(path)["daily_counts"], "the counter was never written"


def test_closing_writes_the_counts_still_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    with QuestionLog(path, clock=lambda: NOW, flush_seconds=3600) as log:
        for _ in range(5):
            log.record(answered("q", "companies-nrw"))
    with QuestionLog(path, clock=lambda: NOW) as log:
        assert question_stats(log, 1).top_entries == (("companies-nrw", 5),)
