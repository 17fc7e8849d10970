"""Conversations with a real python-telegram-bot ``Application`` over the fake Bot API server.

``BotUnderTest`` runs the Application's real polling loop against ``FakeTelegram``; ``Chat`` lets a
test talk like a user: ``replies = await chat.user_says("...")`` queues the update, waits until the
bot has fully processed it (fetched, handled, every call it made answered), and returns what the
bot sent in reply.

"Fully processed" is observed, not guessed with sleeps: the updater only asks for the next batch
(offset > update_id) after it has put an update in the Application's queue, and the queue's
``task_done`` fires when its handlers have returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.offline import updates as factory
from bot.offline.polling import polling
from bot.offline.server import Call, FakeTelegram, UploadedFile

MESSAGE_METHODS = frozenset(
    {"sendMessage", "editMessageText", "sendDocument", "sendPhoto", "editMessageReplyMarkup"}
)


@dataclass(frozen=True)
class Button:
    """An inline keyboard button under one of the bot's messages."""

    text: str
    callback_data: str | None
    url: str | None
    raw: dict[str, Any]
    message: dict[str, Any]  # the bot message (wire format) the button sits under

    @property
    def switch_inline_query(self) -> str | None:
        return self.raw.get("switch_inline_query", self.raw.get("switch_inline_query_current_chat"))


@dataclass(frozen=True)
class BotMessage:
    """One message the bot sent or edited, as the fake server received it."""

    method: str
    chat_id: Any
    text: str  # text, or caption for documents and photos ("" when none)
    parse_mode: str | None
    buttons: tuple[tuple[Button, ...], ...]
    message: dict[str, Any]  # the Message the server returned (wire format)
    params: dict[str, Any]

    @property
    def message_id(self) -> int:
        return int(self.message["message_id"])

    @property
    def flat_buttons(self) -> list[Button]:
        return [b for row in self.buttons for b in row]

    @property
    def document(self) -> UploadedFile | None:
        value = self.params.get("document")
        return value if isinstance(value, UploadedFile) else None

    @property
    def photo(self) -> UploadedFile | None:
        value = self.params.get("photo")
        return value if isinstance(value, UploadedFile) else None

    @property
    def is_edit(self) -> bool:
        return self.method.startswith("edit")


class Replies(list[BotMessage]):
    """What the bot did in answer to one update: its messages, plus query answers."""

    def __init__(self, messages: Sequence[BotMessage], calls: Sequence[Call]) -> None:
        super().__init__(messages)
        self.calls = list(calls)
        self.callback_answers = [c.params for c in calls if c.method == "answerCallbackQuery"]
        self.inline_answers = [c.params for c in calls if c.method == "answerInlineQuery"]

    @property
    def text(self) -> str:
        """All message texts, joined by blank lines."""
        return "\n\n".join(m.text for m in self)

    @property
    def buttons(self) -> list[Button]:
        return [b for m in self for b in m.flat_buttons]

    @property
    def inline_results(self) -> list[dict[str, Any]]:
        return [r for answer in self.inline_answers for r in answer.get("results", [])]

    def button(self, label: str) -> Button:
        """The first button whose text contains ``label`` (case-insensitive)."""
        for b in self.buttons:
            if label.casefold() in b.text.casefold():
                return b
        raise AssertionError(f"no button containing {label!r} in {[b.text for b in self.buttons]}")

    def __repr__(self) -> str:
        return f"Replies({[m.text[:80] for m in self]!r}, buttons={[b.text for b in self.buttons]})"


def _bot_message(call: Call) -> BotMessage:
    msg = call.response if isinstance(call.response, dict) else {}
    markup = call.params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    buttons = tuple(
        tuple(Button(b.get("text", ""), b.get("callback_data"), b.get("url"), b, msg) for b in row)
        for row in rows
    )
    text = call.params.get("text", call.params.get("caption", ""))
    return BotMessage(
        method=call.method,
        chat_id=call.params.get("chat_id"),
        text=text if isinstance(text, str) else str(text),
        parse_mode=call.params.get("parse_mode"),
        buttons=buttons,
        message=msg,
        params=call.params,
    )


@dataclass
class BotUnderTest:
    """A running Application wired to a FakeTelegram; drives updates through its polling loop."""

    app: Application
    server: FakeTelegram
    errors: list[BaseException] = field(default_factory=list)
    update_timeout: float = 10.0
    services: Any = None  # the bot's Services, when the fixture that started it has them

    async def _record_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    @contextlib.asynccontextmanager
    async def running(self, poll_timeout: float = 1.0) -> AsyncIterator[BotUnderTest]:
        """The bot polling the server (``bot.offline.polling``), its errors recorded."""
        # PTB calls every error handler; ours records, so a crashing handler fails the test
        # even when the bot's own handler swallows it.
        self.app.add_error_handler(self._record_error)
        async with polling(self.app, poll_timeout):
            yield self

    async def settled(self, update_id: int, timeout: float | None = None) -> None:
        """Wait until the update has been fetched and every handler for it has returned."""
        timeout = self.update_timeout if timeout is None else timeout
        await self.server.wait_offset_above(update_id, timeout)
        await asyncio.wait_for(self.app.update_queue.join(), timeout)
        # Tasks the handlers spawned through application.create_task (non-blocking handlers,
        # error handlers) also belong to this update.
        tasks: set[asyncio.Task[Any]] = getattr(self.app, "_Application__create_task_tasks", set())
        pending = [t for t in tasks if not t.done() and t is not asyncio.current_task()]
        if pending:
            await asyncio.wait_for(asyncio.gather(*pending, return_exceptions=True), timeout)
        wait_idle = getattr(self.server, "wait_idle", None)
        if wait_idle is not None:  # requests the bot gave up on may still take effect
            await wait_idle(timeout)

    async def send(self, update: dict[str, Any]) -> Replies:
        """Queue one update, wait until it is handled, and return what the bot sent for it."""
        start = len(self.server.calls)
        self.server.queue_update(update)
        await self.settled(update["update_id"])
        calls = [c for c in self.server.calls[start:] if c.method != "getUpdates"]
        messages = [_bot_message(c) for c in calls if c.method in MESSAGE_METHODS and c.processed]
        return Replies(messages, calls)

    async def send_many(self, batch: Sequence[dict[str, Any]], timeout: float = 60.0) -> None:
        """Queue a burst at once and wait until the last update is handled."""
        self.server.queue_updates(batch)
        await self.settled(max(u["update_id"] for u in batch), timeout=timeout)

    def chat(
        self,
        *,
        language: str | None = "en",
        user_id: int = factory.DEFAULT_USER_ID,
        kind: str = "private",
        group_id: int = factory.DEFAULT_GROUP_ID,
        first_name: str = "Aiko",
    ) -> Chat:
        sender = factory.user(user_id, language_code=language, first_name=first_name)
        chat = factory.private_chat(sender) if kind == "private" else factory.group_chat(group_id)
        return Chat(self, sender, chat)


@dataclass
class Chat:
    """One user in one chat (private or group), talking to the bot under test."""

    bot: BotUnderTest
    user: dict[str, Any]
    chat: dict[str, Any]
    last_message: dict[str, Any] | None = None  # the user's last message (for edits)

    @property
    def is_group(self) -> bool:
        return self.chat["type"] != "private"

    @property
    def bot_username(self) -> str:
        return self.bot.server.bot_username

    async def _send_message(self, text: str, **extra: Any) -> Replies:
        entities = list(extra.pop("entities", None) or factory.command_entities(text))
        msg = factory.message(text, sender=self.user, chat=self.chat, entities=entities, **extra)
        self.last_message = msg
        return await self.bot.send({"update_id": factory.next_update_id(), "message": msg})

    async def user_says(self, text: str) -> Replies:
        """The user sends ``text`` (a leading ``/command`` gets its entity, as clients do)."""
        return await self._send_message(text)

    async def command(self, name: str, args: str = "") -> Replies:
        """``/name args``; in a group addressed as ``/name@bot``."""
        word = f"/{name.lstrip('/')}" + (f"@{self.bot_username}" if self.is_group else "")
        return await self._send_message(f"{word} {args}".rstrip())

    async def mention(self, text: str) -> Replies:
        """``@bot text`` with the mention entity (how a group addresses the bot)."""
        handle = f"@{self.bot_username}"
        entity = {"type": "mention", "offset": 0, "length": factory.utf16_len(handle)}
        return await self._send_message(f"{handle} {text}", entities=[entity])

    async def reply_to(self, bot_message: BotMessage | dict[str, Any], text: str) -> Replies:
        """The user replies to one of the bot's messages."""
        original = bot_message.message if isinstance(bot_message, BotMessage) else bot_message
        return await self._send_message(text, reply_to=original)

    async def edit_last(self, new_text: str) -> Replies:
        """The user edits their last message."""
        assert self.last_message is not None, "nothing to edit yet"
        update = factory.edited_message(self.last_message, new_text)
        self.last_message = update["edited_message"]
        return await self.bot.send(update)

    async def press(self, button: Button) -> Replies:
        """The user presses an inline button under one of the bot's messages."""
        assert button.callback_data is not None, f"{button.text!r} is not a callback button"
        return await self.press_data(button.callback_data, button.message)

    async def press_data(self, data: str, bot_message: dict[str, Any] | None = None) -> Replies:
        """A callback query with arbitrary ``data`` (e.g. forged by a modified client)."""
        message = bot_message or {
            "message_id": factory.next_message_id(),
            "from": factory.bot_user(self.bot.server.bot_id, self.bot_username),
            "chat": self.chat,
            "date": int(time.time()),
            "text": "…",
        }
        return await self.bot.send(factory.callback_query(data, message, sender=self.user))

    async def inline(self, query: str) -> Replies:
        """The user types ``@bot query`` (inline mode); see ``Replies.inline_results``."""
        return await self.bot.send(factory.inline_query(query, sender=self.user))


def update_object(data: dict[str, Any], app: Application) -> Update:
    """An ``Update`` bound to the app's bot (shortcuts like reply_text need the bot)."""
    update = Update.de_json(data, app.bot)
    assert update is not None
    return update
