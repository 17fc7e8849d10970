"""Reloading the base over and over while questions pour in, every other version broken.

Every question is answered, each answer comes whole from one valid version of the base
(its wording and its citation agree), and nothing from a broken version is ever served.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.bot.telegram_html import visible_text
from tests.bot.tiny_base import QUESTION, write_base
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest

pytestmark = pytest.mark.timeout(90)

QUESTIONS = 400
RELOADS = 40
BROKEN_QUESTION = "What is broken?"  # only the broken versions have an entry for it
# The two valid versions word the same answer differently and tag their citation.
WORDING = {"A": re.compile(r"1,234 Japanese live in Sampleton"),
           "B": re.compile(r"Sampleton is home to 1,234 Japanese")}  # fmt: skip


@pytest.fixture
def base_dir(tmp_path: Path) -> Path:
    return write_base(tmp_path / "kb", "a")


@pytest.fixture
def bot_env(bot_env: dict[str, str], base_dir: Path) -> dict[str, str]:
    return {**bot_env, "KNOWLEDGE_DIR": str(base_dir)}


async def reload_over_and_over(bot: BotUnderTest, base_dir: Path) -> list[bool]:
    """Rewrite the base (a, broken b, b, broken a, ...) and reload after each write."""
    store = bot.services.store
    outcomes = []
    for round_ in range(RELOADS):
        version = "ab"[(round_ // 2) % 2]
        broken = round_ % 2 == 1
        await asyncio.to_thread(write_base, base_dir, version, broken=broken)
        outcome = await store.areload()
        outcomes.append(outcome.ok)
        assert outcome.ok != broken, f"round {round_}: broken={broken} but ok={outcome.ok}"
        await asyncio.sleep(0)
    return outcomes


@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="0")
async def test_questions_during_reloads_are_all_answered_from_valid_bases(
    running_bot: BotUnderTest, base_dir: Path, bot_env: dict[str, str]
) -> None:
    assert Path(bot_env["KNOWLEDGE_DIR"]) == base_dir
    burst = []
    for index in range(QUESTIONS):
        text = BROKEN_QUESTION if index % 4 == 3 else QUESTION
        burst.append(factory.private_message(text, sender=factory.user(50_000 + index)))
    chat_of = {u["message"]["chat"]["id"]: u["message"]["text"] for u in burst}

    # Version b is learned once first (by a child process, bot/stores/learning.py: a second
    # or two), so that the reloads under load swap bases as fast as a curator's edits back
    # and forth would, and both versions answer while the questions pour in.
    for version in "ba":
        await asyncio.to_thread(write_base, base_dir, version)
        assert (await running_bot.services.store.areload()).ok
    reloading = asyncio.create_task(reload_over_and_over(running_bot, base_dir))
    # Spread the questions over the reloads instead of one burst before the first one.
    for start in range(0, QUESTIONS, 20):
        running_bot.server.queue_updates(burst[start : start + 20])
        await asyncio.sleep(0.02)
    await running_bot.settled(burst[-1]["update_id"], timeout=60)
    outcomes = await reloading

    assert outcomes.count(True) == outcomes.count(False) == RELOADS // 2
    answers: dict[int, list[str]] = {}
    for call in running_bot.server.sent_messages():
        answers.setdefault(call.params["chat_id"], []).append(visible_text(call.params["text"]))
    assert set(answers) == set(chat_of), "some questions were not answered"
    versions_seen = set()
    for chat_id, texts in answers.items():
        (shown,) = texts  # one message each
        if chat_of[chat_id] == BROKEN_QUESTION:
            assert "things" not in shown, f"answered from a broken base: {shown!r}"
            continue
        version = next((v for v, wording in WORDING.items() if wording.search(shown)), None)
        assert version is not None, f"not an answer from the base: {shown!r}"
        assert f"Press release {version}" in shown, f"wording and citation disagree: {shown!r}"
        versions_seen.add(version)
    assert versions_seen == {"A", "B"}, "the reloads did not take effect while answering"
