"""Telegram hiccups, injected by the fake server on getUpdates and on sendMessage.

Whatever goes wrong on getUpdates, and whatever on sendMessage leaves no doubt about delivery
(a 429, a slow answer), every question gets its answer, exactly once: no question is lost and
no update is handled twice. What leaves a doubt (the connection dropped, a 5xx) is never sent
twice: tests/proof/test_at_most_once.py. Timeouts are shortened (the transport's read timeout
is half a second here) so that a "slow answer" and a "timeout" both happen within seconds; the
bot's patience with sends (HTTP_READ_TIMEOUT) still applies, as it does in production.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.error import NetworkError
from telegram.request import BaseRequest, HTTPXRequest

from bot import texts
from bot.config import Settings
from bot.http.aiohttp_request import AiohttpRequest
from bot.offline.updates import question_burst
from bot.telegram.app import build_application
from bot.telegram.services import Services
from tests.fake_telegram import FakeTelegram, Fault
from tests.fake_telegram.harness import BotUnderTest
from tests.proof.conftest import chats_of, replies_per_chat

pytestmark = [pytest.mark.timeout(60), pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="0")]

READ_TIMEOUT = 0.5
POLL_TIMEOUT = 1.0
APOLOGIES = {texts.text("error", language) for language in ("en", "de", "ja")}


def impatient_transport(kind: str, pool_size: int) -> BaseRequest:
    """A transport that gives up after half a second: aiohttp (the default) or httpx
    (python-telegram-bot's, HTTP_TRANSPORT=httpx)."""
    kind_of_request = HTTPXRequest if kind == "httpx" else AiohttpRequest
    return kind_of_request(
        connection_pool_size=pool_size,
        read_timeout=READ_TIMEOUT,
        write_timeout=READ_TIMEOUT,
        connect_timeout=READ_TIMEOUT,
        pool_timeout=10,
    )


@pytest.fixture
def transport() -> str:
    """Which transport the bot uses; tests parametrize it to cover both."""
    return "aiohttp"


@pytest.fixture
async def impatient_bot(
    bot_settings: Settings, fake_telegram: FakeTelegram, transport: str
) -> AsyncIterator[BotUnderTest]:
    """The real bot with a transport that gives up after half a second."""
    request = impatient_transport(transport, bot_settings.concurrent_updates + 8)
    services = Services.create(bot_settings)
    try:
        bot = BotUnderTest(build_application(bot_settings, services, request=request),
                           fake_telegram, services=services)  # fmt: skip
        async with bot.running(poll_timeout=POLL_TIMEOUT):
            yield bot
    finally:
        services.close()
    unexpected = [e for e in bot.errors if not isinstance(e, NetworkError)]
    assert not unexpected, f"handlers failed for other reasons than the network: {unexpected}"


def assert_each_answered_once(bot: BotUnderTest, burst: list[dict]) -> None:
    per_chat = replies_per_chat(bot.server)
    missing = chats_of(burst) - set(per_chat)
    assert not missing, f"{len(missing)} of {len(burst)} questions were never answered"
    twice = {chat: n for chat, n in per_chat.items() if n > 1}
    assert not twice, f"answered more than once: {twice}"
    apologies = [c for c in bot.server.sent_messages() if c.params["text"] in APOLOGIES]
    assert not apologies, "a question got an apology instead of its answer"


GET_UPDATES_FAULTS = {
    "429 retry_after": Fault.retry_after(1),
    "502": Fault.server_error(502),
    "500": Fault.server_error(500),
    "dropped connection": Fault.drop(),
    "answer lost on the way": Fault.drop_after(),
    "slow answer": Fault.delay(READ_TIMEOUT / 2),
    "timeout": Fault.delay(POLL_TIMEOUT + READ_TIMEOUT + 0.5),
}


@pytest.mark.parametrize("fault", GET_UPDATES_FAULTS.values(), ids=GET_UPDATES_FAULTS.keys())
async def test_get_updates_faults_lose_and_repeat_nothing(
    impatient_bot: BotUnderTest, fault: Fault
) -> None:
    burst = question_burst(40)
    impatient_bot.server.inject("getUpdates", fault, times=2)

    await impatient_bot.send_many(burst, timeout=40)

    assert_each_answered_once(impatient_bot, burst)


SEND_MESSAGE_FAULTS = {
    "429 retry_after": Fault.retry_after(1),
    "slow answer": Fault.delay(READ_TIMEOUT / 2),
    "beyond the transport's timeout": Fault.delay(READ_TIMEOUT * 2),
}


@pytest.mark.parametrize("fault", SEND_MESSAGE_FAULTS.values(), ids=SEND_MESSAGE_FAULTS.keys())
async def test_send_message_faults_still_deliver_each_answer_once(
    impatient_bot: BotUnderTest, fault: Fault
) -> None:
    burst = question_burst(20)
    impatient_bot.server.inject("sendMessage", fault, times=3)

    await impatient_bot.send_many(burst, timeout=40)

    assert_each_answered_once(impatient_bot, burst)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_faults_on_both_sides_at_once(impatient_bot: BotUnderTest) -> None:
    server = impatient_bot.server
    burst = question_burst(60)
    for fault in (Fault.server_error(502), Fault.drop(), Fault.delay(READ_TIMEOUT / 2)):
        server.inject("getUpdates", fault)
    server.inject("sendMessage", Fault.delay(READ_TIMEOUT * 2), times=2)
    server.inject("sendMessage", Fault.retry_after(1))

    await impatient_bot.send_many(burst, timeout=40)

    assert_each_answered_once(impatient_bot, burst)
