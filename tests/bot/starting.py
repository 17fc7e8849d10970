"""Starting the bot more than once in a test (a restart), or on a base of the test's own.

The ``running_bot`` fixture of ``conftest.py`` covers one bot per test; this is the same
lifecycle as a context manager, so a test can stop the bot and start it again.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.telegram.app import build_application
from bot.telegram.services import Services
from intents.reply import DID_YOU_MEAN
from intents.responder import Responder
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.harness import BotUnderTest


@contextlib.asynccontextmanager
async def start_bot(settings: Settings, server: FakeTelegram) -> AsyncIterator[BotUnderTest]:
    """The bot polling ``server`` until the block ends; fails if a handler raised."""
    services = Services.create(settings)
    try:
        bot = BotUnderTest(build_application(settings, services), server)
        bot.services = services  # type: ignore[attr-defined]
        async with bot.running():
            yield bot
        assert bot.errors == [], f"handlers raised: {bot.errors!r}"
    finally:
        services.close()


# Questions too vague to answer outright; which of them the matcher is unsure about
# depends on its calibration, so tests ask the responder instead of assuming.
VAGUE_QUESTIONS = (
    "How many Japanese?",
    "Japan NRW",
    "companies in NRW and Düsseldorf",
    "who",
    "Japanese companies",
    "japanische Firmen",
)


def vague_question(responder: Responder) -> str:
    """A question the bot answers with "did you mean" suggestions."""
    for question in VAGUE_QUESTIONS:
        if responder.reply(question).kind == DID_YOU_MEAN:
            return question
    pytest.skip("the matcher is sure about every vague question on the list")


def write_plain_base(directory: Path, question: str, answer: str) -> Path:
    """A one-language base with a single entry and no facts, quotes or entities: the
    smallest base the format allows (answers must not contain figures without facts)."""
    directory.mkdir(parents=True)
    (directory / "base.yaml").write_text(
        "base:\n  title: A plain base\n  languages: [en]\n", encoding="utf-8"
    )
    (directory / "memo.en.txt").write_text("A memo.\n", encoding="utf-8")
    (directory / "sources.yaml").write_text(
        "sources:\n  - id: memo\n    file: memo.en.txt\n    language: en\n"
        '    date: "2020-01-02"\n    place: Cologne\n    publishers: [Tester]\n'
        '    title: {en: A memo}\n    citation: {en: "Memo, Cologne, 2 Jan 2020"}\n',
        encoding="utf-8",
    )
    entry = {"id": "only", "questions": {"en": [question]}, "answer": {"en": answer}}
    (directory / "entries.yaml").write_text(
        "entries:\n  - " + json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return directory
