"""The token never reaches a log line, at any level, whatever carries it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.logging_setup import REDACTED, configure_logging
from tests.bot.logs import bot_logging

TOKEN = "123456789:AAH-secret_part_of_the_token_0123456"
SECRET_HALF = TOKEN.split(":")[1]


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Logging configured as ``main`` does, at DEBUG, writing into a buffer; undone after."""
    with bot_logging("DEBUG", [TOKEN, None]) as stream:
        yield stream


def test_the_token_is_redacted_from_messages_and_arguments(log_output: io.StringIO) -> None:
    log = logging.getLogger("some.module")
    log.debug("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    log.info(f"url https://api.telegram.org/bot{TOKEN}/sendMessage")
    log.warning("quoted %s and half %s", quote(TOKEN, safe=""), SECRET_HALF)
    output = log_output.getvalue()
    assert TOKEN not in output and SECRET_HALF not in output
    assert output.count(REDACTED) >= 4
    assert "https://api.telegram.org/bot[REDACTED]/getMe" in output


def test_the_token_is_redacted_from_tracebacks(log_output: io.StringIO) -> None:
    try:
        raise ConnectionError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ConnectionError:
        logging.getLogger("telegram.ext").exception("network trouble")
    output = log_output.getvalue()
    assert "ConnectionError" in output
    assert TOKEN not in output and SECRET_HALF not in output


def test_handlers_already_on_the_root_logger_are_covered(caplog: pytest.LogCaptureFixture) -> None:
    root = logging.getLogger()
    saved = list(root.handlers)
    configure_logging("DEBUG", [TOKEN], stream=io.StringIO())
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("httpx").warning("HTTP Request: POST .../bot%s/getMe", TOKEN)
    finally:
        for handler in list(root.handlers):
            if handler not in saved:
                root.removeHandler(handler)
            for f in list(handler.filters):
                handler.removeFilter(f)
    assert caplog.records, "the record was not captured"
    assert TOKEN not in caplog.text and SECRET_HALF not in caplog.text


def test_the_request_loggers_are_quiet_below_warning(log_output: io.StringIO) -> None:
    logging.getLogger("httpx").info("HTTP Request: POST https://example/bot1:x/getMe")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert "HTTP Request" not in log_output.getvalue()


def test_python_telegram_bot_at_debug_leaks_nothing(log_output: io.StringIO) -> None:
    from telegram import Bot

    Bot(TOKEN, base_url="http://127.0.0.1:9/bot")  # logs its API URL at DEBUG
    output = log_output.getvalue()
    assert "127.0.0.1:9/bot[REDACTED]" in output
    assert TOKEN not in output and SECRET_HALF not in output
