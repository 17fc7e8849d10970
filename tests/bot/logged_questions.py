"""Replies to record in a question log, and the log itself, for the store's and the insights' tests.

The fixtures are imported by ``tests/bot/stores/conftest.py`` and
``tests/bot/insights/conftest.py``: a log at a fixed time (``clock[0]``, changeable).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.stores.question_log import QuestionLog
from intents.reply import ANSWER, NOT_ON_FILE, Reply

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


def kept_questions(log: QuestionLog) -> list[str]:
    """The texts of the unanswered questions ``log`` holds, oldest first."""
    return [question for question, *_ in log.unanswered_rows()[1]]


@pytest.fixture
def clock() -> list[datetime]:
    return [NOW]


@pytest.fixture
def qlog(tmp_path: Path, clock: list[datetime]) -> Iterator[QuestionLog]:
    log = QuestionLog(tmp_path / "questions.sqlite3", retention_days=30, clock=lambda: clock[0])
    yield log
    log.close()
