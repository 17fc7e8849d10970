"""``python -m bot console``: chat with the bot in a terminal, offline and without a token.

It runs the real ``Application`` with every real handler; only the transport is swapped
for the offline Bot API (``bot.offline.request.OfflineRequest``), which answers the bot's
API calls in-process; the screen listens to them: ``sendMessage`` becomes text on the
screen, with inline buttons as numbered options. Each typed line becomes an ``Update`` (a
message, a command, or a button press when you type a button's number) fed through
``Application.process_update``, so the console answers exactly as Telegram would, commands
included.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from telegram import Update

from bot.cli import startup
from bot.cli.startup import Started
from bot.config import Settings
from bot.offline import updates as factory
from bot.offline.bot_api import BotApi
from bot.offline.request import OfflineRequest
from bot.telegram.app import build_application
from bot.telegram.services import Services

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


class ConsoleScreen(Screen):
    """The screen as the offline Bot API's listener: what the bot sends is shown."""

    def on_call(self, method: str, params: dict[str, Any], result: Any) -> None:
        if method in ("sendMessage", "editMessageText") and isinstance(result, dict):
            self.show_message(params, result, edited=method == "editMessageText")
        elif method == "answerCallbackQuery" and params.get("text"):
            self.notice(str(params["text"]))
        elif method == "answerInlineQuery":
            results = params.get("results") or []
            self.inline_results(results if isinstance(results, list) else [])
        elif method in ("sendDocument", "sendPhoto"):
            caption = html_to_text(str(params.get("caption", "")))
            kind = "document" if method == "sendDocument" else "photo"
            self.notice(f"{kind} sent{': ' + caption if caption else ''}")


@dataclass
class ConsoleUser:
    """The person at the terminal, as Telegram would describe them in updates."""

    user_id: int
    language: str | None

    @property
    def user(self) -> dict[str, Any]:
        return factory.user(self.user_id, language_code=self.language, first_name="You")

    def update_for(self, line: str, screen: Screen) -> dict[str, Any]:
        """The update Telegram would send for ``line``."""
        stripped = line.strip()
        if stripped.isdecimal() and 1 <= int(stripped) <= len(screen.buttons):
            data, pressed = screen.buttons[int(stripped) - 1]
            return factory.callback_query(data, pressed, sender=self.user)
        if stripped.startswith("@"):
            query = stripped.split(maxsplit=1)[1] if " " in stripped else ""
            return factory.inline_query(query, sender=self.user)
        return factory.private_message(line, sender=self.user)


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
    screen = ConsoleScreen(out)
    api = BotApi()
    app = build_application(settings, services, request=OfflineRequest(api, on_call=screen.on_call))
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
            api.remember_chats(data)
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
    """``python -m bot console [--kb DIR] [--lang LANG]`` (start-up: bot.cli.startup)."""
    overrides = {"knowledge_dir": Path(args.kb)} if getattr(args, "kb", None) else {}
    language = (getattr(args, "lang", None) or "").strip().lower() or None

    def in_terminal(started: Started, services: Services) -> int:
        interactive = sys.stdin.isatty()
        try:
            asyncio.run(
                chat(
                    started.settings,
                    services,
                    _reader(interactive),
                    sys.stdout,
                    language=language,
                    echo=not interactive,
                )
            )
        except KeyboardInterrupt:
            print()
        return 0

    # Log lines would interleave with the chat: only problems, unless debugging (quiet).
    return startup.run(args, in_terminal, overrides=overrides, quiet=True)
