"""Logging, configured once by the entry points, with secrets and users' data redacted.

python-telegram-bot and httpx put the bot token in URLs: httpx logs every request URL at
INFO, the library logs its API URL at DEBUG, and network errors quote the URL in their
message (python-telegram-bot capitalises an error's text, which lower-cases the token in
it). Quieting those loggers is not enough, so a filter on the root handlers rewrites each
record (message, arguments, exception and stack text) before any handler formats it; the
token is matched in any letter case and URL-encoded.

Users' data is kept out the same way, at every level, unless ``LOG_MESSAGE_CONTENT=true``:
python-telegram-bot logs whole updates ("Processing update ...") and the parameters and
results of every Bot API call at DEBUG. Arguments that are Telegram objects are logged as
their kind (and an update by its id), dicts and lists by their keys and length, and values
our code marks with ``private()`` (user ids) as ``[private]``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Mapping
from typing import Any, TextIO
from urllib.parse import quote

from telegram import TelegramObject, Update

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[REDACTED]"
PRIVATE = "[private]"
# Loggers that print request URLs (which hold the token) at INFO and below.
_NOISY_LOGGERS = ("httpx", "httpcore")


class Private:
    """A value (a user id) logged as [private] unless message content logging is on."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        return PRIVATE

    __repr__ = __str__


def private(value: object) -> Private:
    return Private(value)


class SecretRedactor(logging.Filter):
    """Replaces the given secrets in a record with [REDACTED], and users' data (see the
    module docstring) with summaries unless ``show_content``."""

    def __init__(self, secrets: Iterable[str], *, show_content: bool = False) -> None:
        super().__init__()
        needles = _needles(secrets)
        self._pattern = (
            re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None
        )
        self.show_content = show_content

    @property
    def active(self) -> bool:
        return self._pattern is not None

    def redact(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = _private_args(record.args, self.show_content)
        if not isinstance(record.msg, str):
            record.msg = _private_value(record.msg, self.show_content)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we can show safely
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[0] is not None:
            # Format the traceback now so every handler uses the redacted cache.
            record.exc_text = self.redact(_format_exception(record))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(
    level: str = "INFO",
    secrets: Iterable[str | None] = (),
    *,
    stream: TextIO | None = None,
    show_content: bool = False,
) -> SecretRedactor:
    """Set up the root logger once: one stream handler, the redactor on every root handler.

    Handlers that already exist on the root logger (a test's capture handler, say) get the
    redactor too. Returns the redactor so a caller can add it to handlers it creates later.
    """
    redactor = SecretRedactor((s for s in secrets if s), show_content=show_content)
    root = logging.getLogger()
    for handler in root.handlers:
        for old in [f for f in handler.filters if isinstance(f, SecretRedactor)]:
            handler.removeFilter(old)
    ours = [h for h in root.handlers if getattr(h, "_bot_handler", False)]
    for handler in ours:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler._bot_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    for each in root.handlers:
        each.addFilter(redactor)
    root.setLevel(level)
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Tornado (webhook server) logs each request line at INFO, which is noise, not news.
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    return redactor


def _needles(secrets: Iterable[str]) -> tuple[str, ...]:
    needles: set[str] = set()
    for secret in secrets:
        needles.update({secret, quote(secret, safe=""), quote(secret)})
        # The part after the colon is the actual secret of a bot token; the bot id before it
        # is public, but the secret half alone must not leak either.
        _, colon, secret_half = secret.partition(":")
        if colon and len(secret_half) >= 4:
            needles.update({secret_half, quote(secret_half, safe="")})
    # Longest first, so the whole token is replaced before its secret half.
    return tuple(sorted((n for n in needles if n), key=len, reverse=True))


def _private_args(args: Any, show: bool) -> Any:
    if isinstance(args, tuple):
        return tuple(_private_value(arg, show) for arg in args)
    if isinstance(args, Mapping):
        return {key: _private_value(value, show) for key, value in args.items()}
    return _private_value(args, show)


def _private_value(value: object, show: bool) -> object:
    if isinstance(value, Private):
        return value.value if show else PRIVATE
    if show:
        return value
    if isinstance(value, Update):
        return f"Update(update_id={value.update_id})"
    if isinstance(value, TelegramObject):
        return f"{type(value).__name__}(...)"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}=..." for key in value) + "}"
    if isinstance(value, list | tuple | set | frozenset):
        return f"[{len(value)} item(s)]"
    return value


def _format_exception(record: logging.LogRecord) -> str:
    assert record.exc_info is not None
    return logging.Formatter().formatException(record.exc_info)
