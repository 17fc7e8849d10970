"""A reply is sent at most once: the bot never sends again what Telegram may have delivered.

Issue 13, item 10: when the connection dropped after Telegram had taken a sendMessage, the
bot sent it again, and 5 of 20 users got two answers. Telegram has no idempotency key, so
after a request was written and no answer came back, the bot cannot know whether the
message went out: it does not send it again, and does not apologise either (the apology
would be the second message). Over both transports, as configured in production.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot import texts
from bot.http.delivery import answer_lost
from bot.offline.updates import question_burst
from tests.bot.conftest import ChatFactory
from tests.fake_telegram import FakeTelegram, Fault
from tests.fake_telegram.harness import BotUnderTest
from tests.proof.conftest import chats_of, replies_per_chat

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="0"),
    pytest.mark.parametrize(
        "transport",
        [
            pytest.param("aiohttp", id="aiohttp"),
            pytest.param("httpx", id="httpx", marks=pytest.mark.bot_env(HTTP_TRANSPORT="httpx")),
        ],
    ),
]

APOLOGIES = {texts.text("error", language) for language in ("en", "de", "ja")}


def answers_attempted(server: FakeTelegram) -> Counter[int]:
    """How often each chat's answer was posted to the Bot API (taken effect or not)."""
    return Counter(
        call.params["chat_id"]
        for call in server.calls_of("sendMessage")
        if call.params["text"] not in APOLOGIES
    )


def take_lost_answers(bot: BotUnderTest) -> list[BaseException]:
    """The errors of answers whose fate is unknown, taken out of the bot's error list."""
    lost = [error for error in bot.errors if answer_lost(error)]
    assert len(lost) == len(bot.errors), f"other failures too: {bot.errors!r}"
    bot.errors.clear()
    return lost


async def test_a_send_taken_before_the_connection_dropped_reaches_the_user_once(
    transport: str, telegram_chat: ChatFactory, running_bot: BotUnderTest
) -> None:
    server = running_bot.server
    user = await telegram_chat()
    server.inject("sendMessage", Fault.drop_after())  # taken, then the connection dropped

    await user.user_says("How many Japanese live in NRW?")

    (message,) = server.sent_messages(user.chat["id"])
    assert "13,752" in message.params["text"], "the one message is the answer, no apology"
    assert len(server.calls_of("sendMessage")) == 1, "and it was not posted again"
    assert len(take_lost_answers(running_bot)) == 1


async def test_in_a_burst_every_user_gets_exactly_one_answer(
    transport: str, running_bot: BotUnderTest
) -> None:
    server = running_bot.server
    burst = question_burst(20)
    server.inject("sendMessage", Fault.drop_after(), times=5)

    await running_bot.send_many(burst, timeout=40)

    per_chat = replies_per_chat(server)
    assert set(per_chat) == chats_of(burst), "every user was answered"
    assert set(per_chat.values()) == {1}, f"answered more than once: {per_chat}"
    assert len(take_lost_answers(running_bot)) == 5


DOUBTFUL = {
    "dropped before it was taken": Fault.drop(),
    "502": Fault.server_error(502),
    "500": Fault.server_error(500),
}


@pytest.mark.parametrize("fault", DOUBTFUL.values(), ids=DOUBTFUL.keys())
async def test_a_send_that_may_have_been_taken_is_never_posted_twice(
    transport: str, running_bot: BotUnderTest, fault: Fault
) -> None:
    server = running_bot.server
    burst = question_burst(20)
    server.inject("sendMessage", fault, times=3)

    await running_bot.send_many(burst, timeout=40)
    failed_answers = {call.chat_id for call in server.calls_of("sendMessage")
                      if not call.processed and call.params["text"] not in APOLOGIES}  # fmt: skip
    assert len(running_bot.errors) == len(failed_answers) >= 1, "the provoked failures"
    running_bot.errors.clear()

    attempts = answers_attempted(server)
    assert set(attempts) == chats_of(burst)
    assert set(attempts.values()) == {1}, f"an answer was posted again: {attempts}"
    assert max(replies_per_chat(server).values()) == 1, "nobody saw two messages"
    apologised = {call.chat_id for call in server.calls_of("sendMessage")
                  if call.params["text"] in APOLOGIES}  # fmt: skip
    # Telegram said "error" (5xx): the user is told (the apology may meet the next fault).
    # No answer came back (a drop): silence, because the answer may have arrived.
    assert apologised == (set() if fault.kind == "drop" else failed_answers)
