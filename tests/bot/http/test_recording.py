"""The getUpdates transport hands each answer's updates, as Telegram sent them, to the
journal: over either transport, against the fake Bot API server on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from bot.http.aiohttp_request import AiohttpRequest
from bot.http.recording import RecordingRequest
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("transport", [AiohttpRequest, HTTPXRequest])
async def test_the_updates_of_an_answer_reach_the_listener_word_for_word(
    fake_telegram: FakeTelegram, transport: type[BaseRequest]
) -> None:
    sent = factory.private_message("Wie viele?")
    sent["message"]["a_field_of_a_later_bot_api"] = {"nested": [1, 2]}
    fake_telegram.queue_update(sent)
    heard: list[list[Any]] = []
    request = RecordingRequest(transport(), heard.append)
    bot = Bot(factory.BOT_TOKEN, base_url=fake_telegram.base_url, get_updates_request=request)
    async with bot:
        (update,) = await bot.get_updates(timeout=0)
        await bot.get_me()  # not a list: not heard

    assert heard == [[sent]]
    assert update.update_id == sent["update_id"] and update.message.text == "Wie viele?"


async def test_it_answers_as_the_transport_it_wraps(fake_telegram: FakeTelegram) -> None:
    inner = AiohttpRequest(read_timeout=3.5)
    request = RecordingRequest(inner, lambda updates: None)
    assert request.read_timeout == 3.5
    bot = Bot(factory.BOT_TOKEN, base_url=fake_telegram.base_url, get_updates_request=request)
    async with bot:
        assert await bot.get_updates(timeout=0) == ()
    assert fake_telegram.calls_of("getUpdates")
