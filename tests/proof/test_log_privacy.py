"""What the logs must never show: the token in any letter case or URL-encoded, and users'
names, ids and message texts at any level (unless LOG_MESSAGE_CONTENT=true)."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from telegram.error import BadRequest

from bot.config import Settings
from tests.bot.logs import NOISY_LOGGERS, bot_logging
from tests.bot.starting import start_bot
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.timeout(60)

NAME, USER_ID, TEXT = "Zebediah", 987_654_321, "Do quokkas live in Düsseldorf?"


@pytest.fixture
def capture() -> Iterator[object]:
    """``capture(level, secrets, show_content)`` -> a StringIO behind the bot's own handler."""
    with contextlib.ExitStack() as stack:

        def start(level: str, secrets: list[str | None], show_content: bool = False) -> io.StringIO:
            return stack.enter_context(
                bot_logging(level, secrets, show_content, opened_up=NOISY_LOGGERS)
            )

        yield start


@pytest.mark.parametrize(
    "token",
    ["123456789:AAHfake-Secret_Part0123456789abcdefXYZ", "42:Ab-cD"],
    ids=["BotFather-sized", "short secret"],
)
def test_the_token_is_redacted_in_any_case_and_url_encoded(capture, token: str) -> None:  # type: ignore[no-untyped-def]
    output = capture("DEBUG", [token])
    url = f"https://api.telegram.org/bot{token}/sendMessage"
    # python-telegram-bot capitalises an API error's text: the token comes out lower-cased.
    echoed = BadRequest(f"Bad Request: wrong url {url}")
    log = logging.getLogger("telegram.ext.Updater")
    log.warning("%s", echoed)
    log.warning("request to %s failed", quote(url, safe=""))
    log.warning("request to %s failed", quote(url, safe="").lower())
    log.error("upper %s", url.upper())
    text = output.getvalue()
    secret = token.split(":", 1)[1]
    assert str(echoed) != url and secret.lower() in str(echoed).lower()  # the echo is there
    for form in (secret, secret.lower(), secret.upper(), quote(token, safe="").lower()):
        assert form not in text, f"{form!r} leaked:\n{text}"
    assert text.count("[REDACTED]") >= 4


@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="0")
@pytest.mark.parametrize("show_content", [False, True], ids=["default", "LOG_MESSAGE_CONTENT"])
async def test_debug_logs_keep_users_names_ids_and_texts_out(
    capture,
    bot_settings: Settings,
    fake_telegram: FakeTelegram,
    show_content: bool,  # type: ignore[no-untyped-def]
) -> None:
    output = capture("DEBUG", [bot_settings.token], show_content)
    async with start_bot(bot_settings, fake_telegram) as bot:
        chat = bot.chat(user_id=USER_ID, first_name=NAME)
        await chat.user_says(TEXT)
        answer = await chat.user_says("How many Japanese live in NRW?")
        await chat.press(answer.button("excerpt"))
        await chat.inline("quokkas")
        await bot.chat(user_id=USER_ID + 1).press_data("forged")  # logged: an unknown button
    text = output.getvalue()
    assert "Processing update" in text, "python-telegram-bot's DEBUG lines were not captured"
    assert "Calling Bot API endpoint `sendMessage`" in text
    leaks = [s for s in (NAME, str(USER_ID), str(USER_ID + 1), "quokkas") if s in text]
    if show_content:
        assert NAME in text and "quokkas" in text
    else:
        assert not leaks, f"{leaks} in the log"
        assert "[private]" in text


def test_the_setting_is_read(bot_env: dict[str, str]) -> None:
    assert not Settings.from_mapping(bot_env).log_message_content
    assert Settings.from_mapping({**bot_env, "LOG_MESSAGE_CONTENT": "true"}).log_message_content
