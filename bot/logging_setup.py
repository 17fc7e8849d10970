"""Logging, configured once by the entry points, with secrets redacted from every record.

python-telegram-bot and httpx put the bot token in URLs: httpx logs every request URL at
INFO, the library logs its API URL at DEBUG, and network errors quote the URL in their
message. Quieting those loggers is not enough, so a filter on the root handlers rewrites
each record (message, arguments, exception and stack text) before any handler formats it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[REDACTED]"
# Loggers that print request URLs (which hold the token) at INFO and below.
_NOISY_LOGGERS = ("httpx", "httpcore")


class SecretRedactor(logging.Filter):
    """Replaces every occurrence of the given secrets in a record with [REDACTED]."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._needles = _needles(secrets)

    @property
    def active(self) -> bool:
        return bool(self._needles)

    def redact(self, text: str) -> str:
        for needle in self._needles:
            if needle in text:
                text = text.replace(needle, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._needles:
            return True
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
) -> SecretRedactor:
    """Set up the root logger once: one stream handler, the redactor on every root handler.

    Handlers that already exist on the root logger (a test's capture handler, say) get the
    redactor too. Returns the redactor so a caller can add it to handlers it creates later.
    """
    redactor = SecretRedactor(secret for secret in secrets if secret)
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
        if colon and len(secret_half) >= 8:
            needles.add(secret_half)
    # Longest first, so the whole token is replaced before its secret half.
    return tuple(sorted((n for n in needles if n), key=len, reverse=True))


def _format_exception(record: logging.LogRecord) -> str:
    assert record.exc_info is not None
    return logging.Formatter().formatException(record.exc_info)
