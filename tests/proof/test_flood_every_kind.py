"""One user flooding with every kind of update cannot slow anyone else down, and the
bot's per-user state stays bounded however many users come and go."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from bot.telegram.conversations import Conversations
from bot.telegram.flood import FloodGuard
from bot.telegram.handlers.flood_gate import UPDATES_PER_QUESTION
from intents.reply import ANSWER, Conversation, Reply
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest

pytestmark = pytest.mark.timeout(120)

FLOOD_LIMIT = 20  # the default FLOOD_LIMIT_PER_MINUTE


@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE=str(FLOOD_LIMIT))
async def test_a_flood_of_every_kind_is_cut_short_and_others_are_answered_promptly(
    running_bot: BotUnderTest,
) -> None:
    server = running_bot.server
    flooder = factory.user(666, language_code="en")
    answer = await running_bot.chat(user_id=666).user_says("How many Japanese live in NRW?")
    excerpt = answer.button("excerpt")
    data = excerpt.callback_data or ""
    burst = (
        [factory.command("start", sender=flooder) for _ in range(300)]
        + [factory.command("facts", sender=flooder) for _ in range(100)]
        + [factory.callback_query(data, excerpt.message, sender=flooder) for _ in range(100)]
        + [factory.inline_query("Düsseldorf", sender=flooder) for _ in range(300)]
    )
    server.clear()
    server.queue_updates(burst)
    started = time.monotonic()
    replies = await running_bot.chat(user_id=777).user_says("How many Japanese live in NRW?")
    waited = time.monotonic() - started
    assert "13,752" in replies.text
    await running_bot.send_many(burst, timeout=60)  # the whole flood has been dealt with

    to_flooder = [
        c
        for c in server.calls
        if c.params.get("chat_id") == 666
        or c.method in ("answerCallbackQuery", "answerInlineQuery")
    ]
    allowed = 2 * FLOOD_LIMIT * UPDATES_PER_QUESTION  # updates and inline queries
    assert len(to_flooder) <= allowed + 2, f"{len(to_flooder)} replies to one flooding user"
    assert waited < 5, f"another user waited {waited:.1f} s behind the flood"
    # python-telegram-bot keeps no per-user or per-chat dicts for this bot.
    assert len(running_bot.app.user_data) == 0 and len(running_bot.app.chat_data) == 0


def traced_size(fill: object) -> int:
    tracemalloc.start()
    try:
        fill()  # type: ignore[operator]
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return current


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("users", [100_000])
def test_per_user_state_stays_bounded_over_many_distinct_users(users: int) -> None:
    """Worst case for expiry: every user within the same minute, so only the cap bounds it."""
    kept: dict[str, object] = {}

    def flood_guard(count: int) -> None:
        clock = Clock()
        guard = FloodGuard(FLOOD_LIMIT * UPDATES_PER_QUESTION, clock=clock)
        for user in range(count):
            clock.now = user * 1e-4
            guard.check(user)
        kept["guard"] = guard

    def conversations(count: int) -> None:
        chats = Conversations()
        for chat in range(count):
            reply = Reply(question="q", language="en", answered=True, kind=ANSWER, text="t",
                          context=Conversation(f"entry-{chat}", "q", "en"))  # fmt: skip
            chats.remember(chat, reply)
        kept["chats"] = chats

    for fill in (flood_guard, conversations):
        small = traced_size(lambda fill=fill: fill(users // 10))
        large = traced_size(lambda fill=fill: fill(users))
        assert large < small * 1.2, f"{fill.__name__}: {small:,} B for {users // 10:,} users, " \
                                    f"{large:,} B for {users:,}"  # fmt: skip

    # Users silent for a minute are forgotten altogether.
    clock = Clock()
    guard = FloodGuard(FLOOD_LIMIT, clock=clock)
    for user in range(1000):
        guard.check(user)
    clock.now = 61.0
    guard.check(5000)
    assert len(guard) == 1
