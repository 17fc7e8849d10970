"""``python -m bot console``: chat with the bot in a terminal, offline and without a token.

It runs the real ``Application`` with every real handler; only the transport is swapped.
``ConsoleTransport`` is a python-telegram-bot ``BaseRequest`` that answers the bot's API
calls in-process: ``sendMessage`` becomes text on the screen, with inline buttons as
numbered options. Each typed line becomes an ``Update`` (a message, a command, or a button
press when you type a button's number) fed through ``Application.process_update``, so the
console answers exactly as Telegram would, commands included.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.cli.base_problems import print_problems
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import configure_logging
from bot.telegram.app import build_application
from bot.telegram.render import utf16_length
from bot.telegram.services import Services
from knowledge import KnowledgeError

BOT_USER = {"id": 1, "is_bot": True, "first_name": "Investor Q&A", "username": "offline_bot"}
CONSOLE_USER_ID = 1000
QUIT_WORDS = frozenset({"/quit", "/exit", "quit", "exit", ":q"})
BANNER = """\
Offline console: the bot's real handlers, no Telegram, no token.
Type a question (English, German or Japanese) or a command such as /help or /topics.
Type a number to press the button shown with it, @ and a question for inline mode,
and /quit (or Ctrl-D) to leave.
"""


class _PlainText(HTMLParser):
    """Telegram HTML as terminal text: tags dropped, entities decoded, quotes indented."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self._quote_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self._quote_depth = max(0, self._quote_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._quote_depth:
            data = "\n".join(f"  │ {line}" for line in data.split("\n"))
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _PlainText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)  # convert_charrefs: entities are already decoded


@dataclass
class Screen:
    """What the user sees, and the buttons they can press by number."""

    out: TextIO
    buttons: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (data, message)
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_message_id(self) -> int:
        return next(self._message_ids)

    def show_message(self, params: dict[str, Any], message: dict[str, Any], edited: bool) -> None:
        prefix = "bot (edited)>" if edited else "bot>"
        text = html_to_text(str(params.get("text", "")))
        lines = text.split("\n")
        self.out.write(f"{prefix} {lines[0]}\n")
        for line in lines[1:]:
            self.out.write(f"     {line}\n" if line else "\n")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = button.get("callback_data")
                if data is None:
                    continue
                self.buttons.append((data, message))
                self.out.write(f"     [{len(self.buttons)}] {button.get('text', '')}\n")
        self.out.write("\n")
        self.out.flush()

    def notice(self, text: str) -> None:
        self.out.write(f"bot> ({text})\n\n")
        self.out.flush()

    def inline_results(self, results: list[dict[str, Any]]) -> None:
        if not results:
            self.notice("no inline results")
            return
        self.out.write("inline results:\n")
        for number, result in enumerate(results, start=1):
            self.out.write(f"  {number}. {result.get('title', '')}\n")
            content = result.get("input_message_content") or {}
            body = html_to_text(str(content.get("message_text", "")))
            for line in body.split("\n"):
                self.out.write(f"       {line}\n")
        self.out.write("\n")
        self.out.flush()


class ConsoleTransport(BaseRequest):
    """Answers the Bot API in-process: what the bot sends goes to the screen."""

    def __init__(self, screen: Screen, chat: dict[str, Any]) -> None:
        self._screen = screen
        self._chat = chat
        self._handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda params: BOT_USER,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message,
            "editMessageReplyMarkup": lambda params: True,
            "answerCallbackQuery": self._answer_callback,
            "answerInlineQuery": self._answer_inline,
            "sendDocument": lambda params: self._file("document", params),
            "sendPhoto": lambda params: self._file("photo", params),
        }

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open: no network."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        handler = self._handlers.get(api_method)
        result = handler(params) if handler else True  # setMyCommands, sendChatAction, ...
        return 200, json.dumps({"ok": True, "result": result}).encode("utf-8")

    def _message(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        return {
            "message_id": message_id or self._screen.next_message_id(),
            "date": int(time.time()),
            "chat": self._chat,
            "from": BOT_USER,
            "text": html_to_text(str(params.get("text", ""))),
        }

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params)
        self._screen.show_message(params, message, edited=False)
        return message

    def _edit_message(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._message(params, int(params.get("message_id") or 0) or None)
        self._screen.show_message(params, message, edited=True)
        return message

    def _answer_callback(self, params: dict[str, Any]) -> bool:
        if params.get("text"):
            self._screen.notice(str(params["text"]))
        return True

    def _answer_inline(self, params: dict[str, Any]) -> bool:
        results = params.get("results") or []
        self._screen.inline_results(results if isinstance(results, list) else [])
        return True

    def _file(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        caption = html_to_text(str(params.get("caption", "")))
        self._screen.notice(f"{kind} sent{': ' + caption if caption else ''}")
        return self._message({"text": caption})


@dataclass
class ConsoleUser:
    """The person at the terminal, as Telegram would describe them in updates."""

    user_id: int
    language: str | None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": "You"}
        if self.language:
            user["language_code"] = self.language
        return user

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": "You"}

    def update_for(self, line: str, screen: Screen) -> dict[str, Any]:
        """The update Telegram would send for ``line``."""
        number = next(self._ids)
        stripped = line.strip()
        if stripped.isdecimal() and 1 <= int(stripped) <= len(screen.buttons):
            data, pressed = screen.buttons[int(stripped) - 1]
            return {
                "update_id": number,
                "callback_query": {
                    "id": str(number),
                    "from": self.user,
                    "chat_instance": "console",
                    "data": data,
                    "message": pressed,
                },
            }
        if stripped.startswith("@"):
            query = stripped.split(maxsplit=1)[1] if " " in stripped else ""
            return {
                "update_id": number,
                "inline_query": {
                    "id": str(number),
                    "from": self.user,
                    "query": query,
                    "offset": "",
                },
            }
        message: dict[str, Any] = {
            "message_id": screen.next_message_id(),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            "text": line,
        }
        if stripped.startswith("/") and line == stripped:
            command = stripped.split()[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_length(command)}
            ]
        return {"update_id": number, "message": message}


async def chat(
    settings: Settings,
    services: Services,
    read_line: Callable[[], str | None],
    out: TextIO,
    *,
    language: str | None = None,
    echo: bool = False,
) -> None:
    """Run the console conversation until ``read_line`` returns None or a quit word."""
    user_id = min(settings.admin_ids) if settings.admin_ids else CONSOLE_USER_ID
    person = ConsoleUser(user_id, language)
    screen = Screen(out)
    app = build_application(settings, services, request=ConsoleTransport(screen, person.chat))
    async with app:
        out.write(BANNER + "\n")
        out.flush()
        while True:
            line = await asyncio.to_thread(read_line)
            if line is None or line.strip().lower() in QUIT_WORDS:
                break
            if not line.strip():
                continue
            if echo:
                out.write(f"you> {line}\n")
            data = person.update_for(line, screen)
            screen.buttons = []
            update = Update.de_json(data, app.bot)
            await app.process_update(update)


def _reader(interactive: bool) -> Callable[[], str | None]:
    def read_line() -> str | None:
        try:
            return input("you> ") if interactive else _read_stdin_line()
        except EOFError:
            return None

    return read_line


def _read_stdin_line() -> str | None:
    line = sys.stdin.readline()
    return line.rstrip("\n") if line else None


def main(args: argparse.Namespace) -> int:
    """``python -m bot console [--kb DIR] [--lang LANG]``."""
    env_file = getattr(args, "env_file", ".env") or ".env"
    try:
        settings = load_settings(env_file, env_file_required=env_file != ".env")
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if getattr(args, "kb", None):
        settings = dataclasses.replace(settings, knowledge_dir=Path(args.kb))
    # Log lines would interleave with the chat: only problems, unless debugging.
    level = "DEBUG" if settings.log_level == "DEBUG" else "WARNING"
    configure_logging(level, [settings.token, settings.webhook_secret])
    try:
        services = Services.create(settings)
    except KnowledgeError as error:
        print_problems(settings.knowledge_dir, error, sys.stderr)
        return 1
    interactive = sys.stdin.isatty()
    language = (getattr(args, "lang", None) or "").strip().lower() or None
    try:
        asyncio.run(
            chat(
                settings,
                services,
                _reader(interactive),
                sys.stdout,
                language=language,
                echo=not interactive,
            )
        )
    except KeyboardInterrupt:
        print()
    finally:
        services.close()
    return 0
