"""Telegram's Bot API methods over in-memory state: what the offline Bot API answers.

Each ``api_<method>`` takes the decoded parameters and returns the ``result`` or raises
``ApiError``. The HTTP server (``bot.offline.server``) and the in-process request
(``bot.offline.request``) both answer from here; state lives in one event loop and is only
touched from there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from bot.offline import updates as factory
from bot.offline.wire import UploadedFile


class ApiError(Exception):
    """An error answer: HTTP status, Telegram's description, optional parameters."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def answer(self) -> dict[str, Any]:
        """The body Telegram sends with this error."""
        return error_answer(self.status, self.description, self.parameters)


def error_answer(
    status: int, description: str, parameters: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Telegram's error body: ``ok`` false, the code, the description, maybe parameters
    (``retry_after`` of a 429)."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return body


class BotApi:
    """The methods and the state behind them (updates, chats, messages, menus, files)."""

    def __init__(
        self,
        bot_id: int = factory.BOT_ID,
        bot_username: str = factory.BOT_USERNAME,
        *,
        remember_messages: bool = True,
    ) -> None:
        """``remember_messages=False`` keeps no sent message (they cannot be edited then):
        a long run in one process (the memory bench) holds nothing but the bot's own state."""
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.remember_messages = remember_messages
        self.pending: list[dict[str, Any]] = []  # updates not yet confirmed, by update_id
        self.wakeup: asyncio.Event | None = None  # set when updates arrive (long polls wait)
        self.closing = False
        self.chats: dict[int, dict[str, Any]] = {}
        self.messages: dict[tuple[Any, Any], dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.files: dict[str, UploadedFile] = {}

    @property
    def me(self) -> dict[str, Any]:
        return {
            **factory.bot_user(self.bot_id, self.bot_username),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def method(self, name: str) -> Any:
        """The implementation of Bot API method ``name``, or None when there is none."""
        return getattr(self, f"api_{name}", None)

    async def call(self, name: str, params: dict[str, Any]) -> Any:
        """The result of Bot API method ``name``; ``ApiError`` as Telegram would answer."""
        handler = self.method(name)
        if handler is None:
            raise ApiError(404, "Not Found")
        result = handler(params)
        return await result if asyncio.iscoroutine(result) else result

    def add_updates(self, items: list[dict[str, Any]]) -> None:
        for update in items:
            self.remember_chats(update)
        self.pending.extend(items)
        self.pending.sort(key=lambda u: u["update_id"])
        if self.wakeup is not None:
            self.wakeup.set()

    def close(self) -> None:
        self.closing = True
        if self.wakeup is not None:
            self.wakeup.set()

    def remember_chats(self, update: dict[str, Any]) -> None:
        """Know the chats ``update`` comes from, so messages sent there describe them."""
        for key in ("message", "edited_message"):
            msg = update.get(key)
            if msg:
                self.chats[msg["chat"]["id"]] = msg["chat"]
        query = update.get("callback_query")
        if query and query.get("message"):
            chat = query["message"]["chat"]
            self.chats[chat["id"]] = chat

    def api_getMe(self, params: dict[str, Any]) -> Any:
        return self.me

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        state = self
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if offset < 0:
            keep = state.pending[offset:]
            state.pending[:] = keep
        elif offset:
            state.pending[:] = [u for u in state.pending if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        assert state.wakeup is not None
        while not state.pending and not self.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            state.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.wakeup.wait(), remaining)
        return state.pending[:limit]

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            chat = {"id": chat_id, "type": "private" if _is_positive(chat_id) else "supergroup"}
        msg: dict[str, Any] = {
            "message_id": factory.next_message_id(),
            "from": factory.bot_user(self.bot_id, self.bot_username),
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        if self.remember_messages:
            self.messages[(chat_id, msg["message_id"])] = msg
        return msg

    def api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if factory.utf16_len(text) > 4096:  # Telegram counts UTF-16 code units
            raise ApiError(400, "Bad Request: message is too long")
        return self._new_message(params, text=text)

    def api_editMessageText(self, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        key = (params.get("chat_id"), params.get("message_id"))
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if factory.utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        msg = self.messages.get(key)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self._edited(key, dict(msg, text=text, edit_date=int(time.time())), params)

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        key = (params.get("chat_id"), params.get("message_id"))
        msg = self.messages.get(key)
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return self._edited(key, dict(msg), params)

    def _edited(
        self, key: tuple[Any, Any], msg: dict[str, Any], params: dict[str, Any]
    ) -> dict[str, Any]:
        """``msg`` with the keyboard of ``params`` (none when it has none), kept under ``key``."""
        if params.get("reply_markup"):
            msg["reply_markup"] = params["reply_markup"]
        else:
            msg.pop("reply_markup", None)
        self.messages[key] = msg
        return msg

    def _store_file(self, upload: Any, default_name: str) -> dict[str, Any]:
        file_id = f"file{len(self.files) + 1}"
        if isinstance(upload, UploadedFile):
            self.files[file_id] = upload
            size, name = len(upload.data), upload.filename or default_name
        else:  # a file_id or URL sent as a string
            size, name = 0, default_name
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": size,
            "file_name": name,
        }

    def api_sendDocument(self, params: dict[str, Any]) -> Any:
        if "document" not in params:
            raise ApiError(400, "Bad Request: there is no document in the request")
        document = self._store_file(params["document"], "document")
        upload = params["document"]
        if isinstance(upload, UploadedFile) and upload.content_type:
            document["mime_type"] = upload.content_type
        content = {"document": document}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._new_message(params, **content)

    def api_sendPhoto(self, params: dict[str, Any]) -> Any:
        if "photo" not in params:
            raise ApiError(400, "Bad Request: there is no photo in the request")
        stored = self._store_file(params["photo"], "photo.png")
        stored.pop("file_name")
        photo = [{**stored, "width": 800, "height": 600}]
        content: dict[str, Any] = {"photo": photo}
        if params.get("caption"):
            content["caption"] = params["caption"]
        return self._new_message(params, **content)

    def api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = params.get("file_id")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        upload = self.files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(upload.data),
            "file_path": f"documents/{file_id}",
        }

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if not params.get("callback_query_id"):
            raise ApiError(400, "Bad Request: query id is empty")
        text = params.get("text")
        if isinstance(text, str) and factory.utf16_len(text) > 200:
            raise ApiError(400, "Bad Request: text is too long")
        return True

    def api_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        if not params.get("inline_query_id"):
            raise ApiError(400, "Bad Request: query id is empty")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise ApiError(400, "Bad Request: results must be a list of at most 50")
        ids = [r.get("id") for r in results]
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: duplicate result id")
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return (json.dumps(scope, sort_keys=True), params.get("language_code") or "")

    def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list")
        for cmd in commands:
            name = cmd.get("command", "")
            if not (1 <= len(name) <= 32) or not name.replace("_", "").isalnum():
                raise ApiError(400, f"Bad Request: invalid command name {name!r}")
            if not 1 <= len(cmd.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: invalid command description")
        self.commands[self._commands_key(params)] = commands
        return True

    def api_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands.get(self._commands_key(params), [])

    def api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = params.get("url") or ""
        if params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.pending.clear()
        return True

    def api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }

    def api_sendChatAction(self, params: dict[str, Any]) -> Any:
        if params.get("chat_id") is None or not params.get("action"):
            raise ApiError(400, "Bad Request: chat_id and action are required")
        return True

    def api_deleteMessage(self, params: dict[str, Any]) -> Any:
        self.messages.pop((params.get("chat_id"), params.get("message_id")), None)
        return True

    def api_close(self, params: dict[str, Any]) -> Any:
        return True

    def api_logOut(self, params: dict[str, Any]) -> Any:
        return True


def _is_positive(chat_id: Any) -> bool:
    return isinstance(chat_id, int) and chat_id > 0
