"""The fake Bot API server behaves like Telegram where our tests rely on it.

Exercised through python-telegram-bot's own ``Bot`` (the client the bot uses) and raw httpx,
plus a tiny echo Application driven by the conversation harness.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.fake_telegram import FakeTelegram, Fault, UploadedFile
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest


@pytest.fixture
def server() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=2, connect_timeout=2)
    async with Bot(
        server.token,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        request=request,
        get_updates_request=HTTPXRequest(read_timeout=2),
    ) as client:
        yield client


async def test_get_me_describes_the_bot(bot: Bot, server: FakeTelegram) -> None:
    me = await bot.get_me()
    assert me.username == server.bot_username
    assert me.is_bot and me.supports_inline_queries
    assert server.calls_of("getMe")


async def test_a_wrong_token_is_refused_as_unauthorized(server: FakeTelegram) -> None:
    wrong = Bot("999:wrong", base_url=server.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()


async def test_an_unknown_method_answers_404(server: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server.base_url}{server.token}/sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_get_updates_confirms_everything_below_the_offset(
    bot: Bot, server: FakeTelegram
) -> None:
    first, second, third = (factory.private_message(t) for t in ("one", "two", "three"))
    server.queue_updates([first, second, third])

    everything = await bot.get_updates()
    assert [u.update_id for u in everything] == [u["update_id"] for u in (first, second, third)]
    # Without a higher offset nothing is confirmed: the same updates come again.
    assert len(await bot.get_updates()) == 3

    rest = await bot.get_updates(offset=second["update_id"] + 1)
    assert [u.message.text for u in rest] == ["three"]
    # Confirmed updates are gone for good, even when asked for from the start again.
    assert [u.message.text for u in await bot.get_updates()] == ["three"]


async def test_get_updates_honours_the_limit(bot: Bot, server: FakeTelegram) -> None:
    server.queue_updates([factory.private_message(str(i)) for i in range(5)])
    assert len(await bot.get_updates(limit=2)) == 2


async def test_a_long_poll_is_woken_by_a_new_update(bot: Bot, server: FakeTelegram) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30, read_timeout=35))
    await asyncio.sleep(0.05)
    assert not poll.done()  # nothing queued yet: the poll waits
    update = server.queue_update(factory.private_message("hello"))
    received = await asyncio.wait_for(poll, 10)
    assert [u.update_id for u in received] == [update["update_id"]]


async def test_a_long_poll_with_nothing_queued_returns_empty(server: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.base_url}{server.token}/getUpdates", json={"timeout": 0.1}
        )
    assert response.json() == {"ok": True, "result": []}


async def test_form_values_are_decoded_like_telegram_does(bot: Bot, server: FakeTelegram) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="y:1")]])
    sent = await bot.send_message(42, "123", parse_mode="HTML", reply_markup=markup)

    (call,) = server.calls_of("sendMessage")
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "123"  # a string field stays a string
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "y:1"}]]
    }
    assert sent.text == "123" and sent.chat.id == 42 and sent.message_id > 0


async def test_json_bodies_are_accepted(server: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.base_url}{server.token}/sendMessage", json={"chat_id": 7, "text": "hi"}
        )
    result = response.json()["result"]
    assert (result["chat"]["id"], result["text"]) == (7, "hi")


async def test_an_empty_or_overlong_message_is_a_bad_request(server: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        url = f"{server.base_url}{server.token}/sendMessage"
        empty = await client.post(url, json={"chat_id": 7, "text": "  "})
        long = await client.post(url, json={"chat_id": 7, "text": "x" * 4097})
    assert (empty.status_code, long.status_code) == (400, 400)


async def test_documents_and_photos_arrive_as_multipart_files(
    bot: Bot, server: FakeTelegram
) -> None:
    message = await bot.send_document(
        42, document=b"a,b\n1,2\n", filename="unanswered.csv", caption="Unanswered questions"
    )
    await bot.send_photo(42, photo=b"\x89PNG fake", caption="Stats")

    document = server.calls_of("sendDocument")[0].params
    assert isinstance(document["document"], UploadedFile)
    assert document["document"].data == b"a,b\n1,2\n"
    assert document["document"].filename == "unanswered.csv"
    assert document["caption"] == "Unanswered questions"
    assert document["chat_id"] == 42
    assert message.document is not None and message.document.file_name == "unanswered.csv"
    photo = server.calls_of("sendPhoto")[0].params["photo"]
    assert isinstance(photo, UploadedFile) and photo.data == b"\x89PNG fake"


async def test_commands_are_kept_per_language(bot: Bot, server: FakeTelegram) -> None:
    await bot.set_my_commands([BotCommand("hilfe", "Hilfe")], language_code="de")
    await bot.set_my_commands([BotCommand("help", "Help")])

    assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["hilfe"]
    assert [c.command for c in await bot.get_my_commands()] == ["help"]


async def test_injected_429_carries_retry_after(bot: Bot, server: FakeTelegram) -> None:
    server.inject("sendMessage", Fault.retry_after(3))
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1, "hi")
    # A timedelta: the bot takes python-telegram-bot's coming type (bot/__init__.py).
    assert raised.value.retry_after == datetime.timedelta(seconds=3)
    await bot.send_message(1, "again")  # only the next call was affected
    assert [c.processed for c in server.calls_of("sendMessage")] == [False, True]


async def test_injected_5xx_and_dropped_connections_are_network_errors(
    bot: Bot, server: FakeTelegram
) -> None:
    server.inject("sendMessage", Fault.server_error(502))
    server.inject("getUpdates", Fault.drop())
    with pytest.raises(NetworkError):
        await bot.send_message(1, "hi")
    with pytest.raises(NetworkError):
        await bot.get_updates()
    assert not server.sent_messages()


async def test_a_dropped_answer_still_took_effect(bot: Bot, server: FakeTelegram) -> None:
    server.inject("sendMessage", Fault.drop_after())
    with pytest.raises(NetworkError):
        await bot.send_message(1, "hi")
    assert [c.params["text"] for c in server.sent_messages()] == ["hi"]


async def test_a_slow_answer_beyond_the_read_timeout_times_out(
    bot: Bot, server: FakeTelegram
) -> None:
    server.inject("getMe", Fault.delay(1.0))
    with pytest.raises(TimedOut):
        await bot.get_me(read_timeout=0.2)


async def test_faults_on_any_method_with_a_wildcard(bot: Bot, server: FakeTelegram) -> None:
    server.inject("*", Fault.server_error(500), times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.get_me()
    assert (await bot.get_me()).username == server.bot_username


async def test_a_dropped_get_updates_answer_is_fetched_again(
    bot: Bot, server: FakeTelegram
) -> None:
    update = server.queue_update(factory.private_message("lost on the way"))
    server.inject("getUpdates", Fault.drop_after())
    with pytest.raises(NetworkError):
        await bot.get_updates()
    assert [u.update_id for u in await bot.get_updates()] == [update["update_id"]]


async def test_the_control_api_queues_updates_and_counts_calls(server: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        await client.post(f"{server.url}/_control/updates", json=[factory.private_message("x")])
        await client.post(f"{server.base_url}{server.token}/getMe")
        counts = (await client.get(f"{server.url}/_control/counts")).json()["result"]
    assert server.pending_update_count == 1
    assert counts == {"getMe": 1}


# ---- the harness over a tiny echo Application -----------------------------------------------


def _echo_app(server: FakeTelegram) -> Application:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])
        await update.effective_message.reply_html(
            f"<b>{update.effective_message.text}</b>", reply_markup=markup
        )

    async def again(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("once more")
        await query.edit_message_text("edited")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"start {' '.join(context.args or [])}")

    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        from telegram import InlineQueryResultArticle, InputTextMessageContent

        assert update.inline_query is not None
        query = update.inline_query.query
        await update.inline_query.answer(
            [InlineQueryResultArticle("1", query, InputTextMessageContent(query))]
        )

    async def crash(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("boom")

    app = (
        Application.builder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .concurrent_updates(8)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("crash", crash))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(again))
    app.add_handler(InlineQueryHandler(inline))
    return app


@pytest.fixture
async def echo_bot(server: FakeTelegram) -> AsyncIterator[BotUnderTest]:
    async with BotUnderTest(_echo_app(server), server).running() as running:
        yield running


async def test_the_harness_returns_the_reply_to_one_message(echo_bot: BotUnderTest) -> None:
    chat = echo_bot.chat(language="de")
    replies = await chat.user_says("Wie viele <Firmen>?")
    (reply,) = replies
    assert reply.text == "<b>Wie viele <Firmen>?</b>"
    assert reply.parse_mode == "HTML"
    assert reply.chat_id == chat.chat["id"]
    assert [b.text for b in replies.buttons] == ["Again"]


async def test_the_harness_presses_buttons_and_sees_edits(echo_bot: BotUnderTest) -> None:
    chat = echo_bot.chat()
    replies = await chat.user_says("hi")
    pressed = await chat.press(replies.button("again"))
    assert pressed.callback_answers[0]["text"] == "once more"
    assert pressed[0].is_edit and pressed[0].text == "edited"
    assert pressed[0].message_id == replies[0].message_id


async def test_the_harness_sends_commands_and_inline_queries(echo_bot: BotUnderTest) -> None:
    chat = echo_bot.chat()
    assert (await chat.command("start", "deep-link")).text == "start deep-link"
    results = (await chat.inline("Düsseldorf")).inline_results
    assert [r["title"] for r in results] == ["Düsseldorf"]


async def test_the_harness_collects_handler_errors(echo_bot: BotUnderTest) -> None:
    await echo_bot.chat().command("crash")
    assert [str(e) for e in echo_bot.errors] == ["boom"]


async def test_a_burst_is_answered_once_per_update(echo_bot: BotUnderTest) -> None:
    burst = [factory.private_message(f"q{i}", sender=factory.user(i + 1)) for i in range(300)]
    await echo_bot.send_many(burst)
    texts = sorted(c.params["text"] for c in echo_bot.server.sent_messages())
    assert texts == sorted(f"<b>q{i}</b>" for i in range(300))
