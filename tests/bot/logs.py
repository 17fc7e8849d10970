"""Logging as ``python -m bot run`` sets it up, captured in a buffer, for the tests that
read what the bot logs; the logging of the test process is put back afterwards."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator, Sequence

from bot.logging_setup import configure_logging

# Every library logger that may print a request: opened up to DEBUG where a test asks, so
# the redaction must hold without the help of quiet loggers.
NOISY_LOGGERS = ("httpx", "httpcore", "aiohttp", "telegram", "tornado", "asyncio", "hpack")


@contextlib.contextmanager
def bot_logging(
    level: str,
    secrets: Sequence[str | None],
    show_content: bool = False,
    *,
    opened_up: Sequence[str] = (),
) -> Iterator[io.StringIO]:
    """The bot's logging at ``level`` into a StringIO, with the loggers ``opened_up`` at
    DEBUG; afterwards the root logger and those loggers are as they were."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    saved_levels = {name: logging.getLogger(name).level for name in opened_up}
    stream = io.StringIO()
    configure_logging(level, list(secrets), stream=stream, show_content=show_content)
    for name in opened_up:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            if handler not in saved_handlers:
                root.removeHandler(handler)
            for old in list(handler.filters):
                handler.removeFilter(old)
        root.setLevel(saved_level)
        for name, level_before in saved_levels.items():
            logging.getLogger(name).setLevel(level_before)
