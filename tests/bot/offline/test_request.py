"""The offline Bot API answers python-telegram-bot in-process as the HTTP server does."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.offline.bot_api import BotApi
from bot.offline.request import OfflineRequest
from bot.offline.updates import BOT_TOKEN, BOT_USERNAME
from bot.offline.wire import UploadedFile


@pytest.fixture
def calls() -> list[tuple[str, dict[str, Any], Any]]:
    return []


@pytest.fixture
async def bot(calls: list[tuple[str, dict[str, Any], Any]]) -> Bot:
    request = OfflineRequest(on_call=lambda *call: calls.append(call))
    async with Bot(BOT_TOKEN, request=request) as bot:
        yield bot


async def test_the_bot_knows_itself_and_its_messages_are_listened_to(
    bot: Bot, calls: list[tuple[str, dict[str, Any], Any]]
) -> None:
    assert bot.username == BOT_USERNAME
    sent = await bot.send_message(42, "<b>Hallo</b>", parse_mode="HTML")
    method, params, result = calls[-1]
    assert (method, params["text"], params["parse_mode"]) == ("sendMessage", "<b>Hallo</b>", "HTML")
    assert result["message_id"] == sent.message_id and sent.chat.id == 42


async def test_a_sent_message_can_be_edited_and_an_unknown_one_cannot(bot: Bot) -> None:
    sent = await bot.send_message(42, "first")
    edited = await bot.edit_message_text("second", chat_id=42, message_id=sent.message_id)
    assert getattr(edited, "text", None) == "second"
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("third", chat_id=42, message_id=sent.message_id + 1000)


async def test_an_empty_message_is_refused_as_telegram_does(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, " ")


async def test_an_uploaded_document_reaches_the_api_as_a_file(
    bot: Bot, calls: list[tuple[str, dict[str, Any], Any]]
) -> None:
    await bot.send_document(42, document=b"a,b\r\n", filename="q.csv", caption="CSV")
    method, params, result = calls[-1]
    assert method == "sendDocument"
    upload = params["document"]
    assert isinstance(upload, UploadedFile) and upload.data == b"a,b\r\n"
    assert result["document"]["file_name"] == "q.csv" and result["caption"] == "CSV"


async def test_a_quiet_api_keeps_no_message() -> None:
    api = BotApi(remember_messages=False)
    async with Bot(BOT_TOKEN, request=OfflineRequest(api)) as bot:
        await bot.send_message(42, "not kept")
    assert api.messages == {}
