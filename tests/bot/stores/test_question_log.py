"""The question log: what curators see, what it never keeps, and that what it acknowledged stays."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import textwrap
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from threading import Thread

import pytest

from bot.stores.question_log import AnalyticsError, QuestionLog, normalize_question
from intents.reply import ANSWER, DID_YOU_MEAN, EMPTY, NOT_ON_FILE, Reply

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)


def unanswered(
    question: str,
    language: str = "en",
    *,
    kind: str = NOT_ON_FILE,
    candidate: str | None = "companies-nrw",
    score: float = 42.0,
) -> Reply:
    return Reply(
        question=question,
        language=language,
        answered=False,
        kind=kind,
        text="not on file",
        score=score,
        best_candidate=candidate,
    )


def answered(question: str, entry: str, language: str = "en") -> Reply:
    return Reply(
        question=question,
        language=language,
        answered=True,
        kind=ANSWER,
        text="an answer",
        entries=(entry,),
        score=97.0,
    )


@pytest.fixture
def clock() -> list[datetime]:
    return [NOW]


@pytest.fixture
def qlog(tmp_path: Path, clock: list[datetime]):
    log = QuestionLog(tmp_path / "questions.sqlite3", retention_days=30, clock=lambda: clock[0])
    yield log
    log.close()


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
    assert qlog.stats(1).top_entries == (("companies-duesseldorf", 1),)


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
    assert qlog.stats(1).total == 0
    assert qlog.unanswered() == []


# -- stats ------------------------------------------------------------------------------


def test_stats_per_day_language_answered_rate_and_top_entries(qlog: QuestionLog) -> None:
    yesterday = NOW - timedelta(days=1)
    qlog.record(answered("a", "companies-nrw"), yesterday)
    qlog.record(answered("b", "companies-nrw", "de"))
    qlog.record(answered("c", "residents-nrw", "ja"))
    qlog.record(unanswered("d", "ja"))
    qlog.record(unanswered("e", kind=DID_YOU_MEAN))

    stats = qlog.stats(days=7)

    assert [d.day for d in stats.per_day] == [
        date(2024, 5, 14) + timedelta(days=i) for i in range(7)
    ]
    assert [(d.answered, d.unanswered) for d in stats.per_day[-2:]] == [(1, 0), (2, 2)]
    assert sum(d.total for d in stats.per_day[:-2]) == 0
    assert stats.total == 5
    assert stats.answered_rate == pytest.approx(3 / 5)
    assert stats.top_entries == (("companies-nrw", 2), ("residents-nrw", 1))
    assert {lang: (c.answered, c.unanswered) for lang, c in stats.per_language.items()} == {
        "en": (1, 1),
        "de": (1, 0),
        "ja": (1, 1),
    }
    assert stats.did_you_mean == 1


def test_stats_of_a_quiet_period_have_no_rate(qlog: QuestionLog) -> None:
    stats = qlog.stats(days=30)
    assert stats.total == 0 and stats.answered_rate is None and len(stats.per_day) == 30


# -- grouping and CSV ----------------------------------------------------------------------


def test_similar_unanswered_questions_are_grouped_most_frequent_first(qlog: QuestionLog) -> None:
    for text in [
        "What are the tax rates in NRW?",
        "what are the tax rates in nrw",
        "What are the tax rate in NRW??",
        "Is there a Japanese school?",
        "Is there a Japanese school?",
        "Is there a japanese school",
        "Is there a Japanese school?",
        "How expensive is office space?",
    ]:
        qlog.record(unanswered(text))

    groups = qlog.unanswered()

    assert [(g.example, g.count) for g in groups] == [
        ("Is there a Japanese school?", 4),
        ("What are the tax rate in NRW??", 3),
        ("How expensive is office space?", 1),
    ]
    assert set(groups[0].variants) == {"Is there a japanese school"}
    assert groups[0].best_entry == "companies-nrw" and groups[0].languages == ("en",)


def test_grouping_does_not_depend_on_the_order_questions_came_in(tmp_path: Path) -> None:
    texts = [
        "Tax in NRW?",
        "tax in nrw",
        "Taxes in NRW",
        "Visa for Germany?",
        "visa for germany",
        "Schools?",
        "日本人学校はありますか",
        "日本人学校はありますか？",
    ]
    results = []
    for name, order in (("a", texts), ("b", list(reversed(texts)))):
        with QuestionLog(tmp_path / f"{name}.sqlite3") as log:
            for text in order:
                log.record(unanswered(text))
            results.append([(g.example, g.count, set(g.variants)) for g in log.unanswered()])
    assert results[0] == results[1]


def test_grouping_does_not_merge_unrelated_questions(qlog: QuestionLog) -> None:
    for text in [
        "Where is the Japanese school?",
        "What does office space cost?",
        "Who is the mayor of Cologne?",
        "税率はいくらですか",
    ]:
        qlog.record(unanswered(text))
    assert sorted(g.count for g in qlog.unanswered()) == [1, 1, 1, 1]


def test_unanswered_limit(qlog: QuestionLog) -> None:
    for text in ["alpha question", "bravo topic", "charlie thing"]:
        qlog.record(unanswered(text))
    assert len(qlog.unanswered(limit=2)) == 2


def test_normalisation_folds_case_width_punctuation_and_spacing() -> None:
    assert normalize_question("  Ｔａｘ   RATES,  in NRW?! ") == "tax rates in nrw"
    assert normalize_question("日本人学校は？") == "日本人学校は"


def test_csv_has_a_header_quotes_properly_and_opens_japanese_in_excel(qlog: QuestionLog) -> None:
    awkward = 'Steuern, "Gebühren"\nund mehr?'
    qlog.record(unanswered(awkward, "de"))
    qlog.record(unanswered("日本人学校はありますか", "ja", candidate=None))
    qlog.record(unanswered("日本人学校はありますか", "ja", candidate=None))

    data = qlog.unanswered_csv()

    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark Excel looks for
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "count",
        "question",
        "languages",
        "best_candidate",
        "best_score",
        "last_asked_utc",
        "variants",
    ]
    assert rows[1][:4] == ["2", "日本人学校はありますか", "ja", ""]
    assert rows[2][:4] == ["1", awkward, "de", "companies-nrw"]
    assert len(rows) == 3


def test_csv_of_an_empty_log_is_just_the_header(qlog: QuestionLog) -> None:
    rows = list(csv.reader(io.StringIO(qlog.unanswered_csv().decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][0] == "count"


# -- chart ------------------------------------------------------------------------------


def test_stats_chart_is_a_decodable_png(qlog: QuestionLog) -> None:
    for day in range(10):
        for _ in range(day % 3):
            qlog.record(answered("q", "companies-nrw"), NOW - timedelta(days=day))
        qlog.record(unanswered("u"), NOW - timedelta(days=day))

    png = qlog.stats_chart_png(days=30)

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 400 and height >= 200
    assert png[-8:-4] == b"IEND"


def test_chart_of_an_empty_log_still_renders(qlog: QuestionLog) -> None:
    assert qlog.stats_chart_png(days=30)[:8] == b"\x89PNG\r\n\x1a\n"


# -- retention --------------------------------------------------------------------------


def test_purge_removes_records_and_counts_older_than_retention(
    qlog: QuestionLog, clock: list[datetime]
) -> None:
    qlog.record(unanswered("old question"), NOW - timedelta(days=31))
    qlog.record(answered("old", "companies-nrw"), NOW - timedelta(days=31))
    qlog.record(unanswered("recent question"), NOW - timedelta(days=29))

    assert qlog.purge(NOW) == 1

    assert [g.example for g in qlog.unanswered()] == ["recent question"]
    assert qlog.stats(days=60, now=NOW).total == 1


def test_opening_the_log_purges_expired_records(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    with QuestionLog(path, retention_days=30, clock=lambda: NOW) as log:
        log.record(unanswered("expires"), NOW - timedelta(days=40))
        log.record(unanswered("stays"), NOW)
    with QuestionLog(path, retention_days=30, clock=lambda: NOW) as log:
        assert [g.example for g in log.unanswered()] == ["stays"]


def test_a_day_later_recording_purges_lazily(qlog: QuestionLog, clock: list[datetime]) -> None:
    qlog.record(unanswered("first"))
    clock[0] = NOW + timedelta(days=31)
    qlog.record(unanswered("a month later"))
    assert [g.example for g in qlog.unanswered()] == ["a month later"]


# -- persistence ------------------------------------------------------------------------


def test_a_restart_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    with QuestionLog(path, clock=lambda: NOW) as log:
        log.record(unanswered("kept across restarts"))
        log.record(answered("x", "companies-nrw"))
    with QuestionLog(path, clock=lambda: NOW) as log:
        assert [g.example for g in log.unanswered()] == ["kept across restarts"]
        assert log.stats(1).total == 2
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
    with pytest.raises(AnalyticsError, match="newer"):
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
    stats = qlog.stats(1)
    assert (stats.total, stats.answered) == (80, 40)
    assert sum(g.count for g in qlog.unanswered(limit=None)) == 40


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
        (group,) = log.unanswered()
        assert sorted([group.example, *group.variants]) == [f"survives {i}" for i in range(3)]
        stats = log.stats(1)
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
        assert log.stats(1).top_entries == (("companies-nrw", 5),)
