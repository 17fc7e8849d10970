"""Fixtures that run the real bot (``bot.telegram.app.build_application``) against the fake Bot API.

    async def test_a_question(telegram_chat):
        chat = await telegram_chat(language="de")
        replies = await chat.user_says("Wie viele japanische Firmen gibt es in Düsseldorf?")
        assert replies[0].parse_mode == "HTML"
        await chat.press(replies.buttons[0])

Settings come from ``bot_env`` (a dict of environment names); change them per test with
``@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="3")``. A handler error recorded by the
Application fails the test unless the test empties ``running_bot.errors`` itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.telegram.app import build_application
from bot.telegram.services import Services
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest, Chat

ADMIN_ID = 4242
SHIPPED_BASE = Path(__file__).resolve().parents[2] / "knowledge" / "base"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "bot_env(**names): environment settings for the bot under test"
    )


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API server, in a thread of its own, on a random local port."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot_env(
    request: pytest.FixtureRequest, tmp_path: Path, fake_telegram: FakeTelegram
) -> dict[str, str]:
    env = {
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
        "DATA_DIR": str(tmp_path / "data"),
        "KNOWLEDGE_DIR": str(SHIPPED_BASE),
        "ADMIN_IDS": str(ADMIN_ID),
        "LOG_LEVEL": "DEBUG",
        # Telegram's overall 30/s limit would only slow the tests down; the per-group limit
        # of the rate limiter stays in force.
        "RATE_LIMIT_PER_SECOND": "0",
    }
    for marker in reversed(list(request.node.iter_markers("bot_env"))):
        env.update({name: str(value) for name, value in marker.kwargs.items()})
    return env


@pytest.fixture
def bot_settings(bot_env: dict[str, str]) -> Settings:
    return Settings.from_mapping(bot_env)


@pytest.fixture
async def running_bot(
    bot_settings: Settings, fake_telegram: FakeTelegram
) -> AsyncIterator[BotUnderTest]:
    """The real Application, polling the fake server; services exposed as ``.services``."""
    services = Services.create(bot_settings)
    try:
        app = build_application(bot_settings, services)
        bot = BotUnderTest(app, fake_telegram, services=services)
        async with bot.running():
            yield bot
    finally:
        services.close()
    if bot.errors:
        pytest.fail(f"the bot's error handler saw: {bot.errors!r}", pytrace=False)


ChatFactory = Callable[..., Awaitable[Chat]]


@pytest.fixture
def telegram_chat(running_bot: BotUnderTest) -> ChatFactory:
    """``chat = await telegram_chat(language="ja", kind="group", user_id=...)``."""

    async def open_chat(
        language: str | None = "en",
        *,
        kind: str = "private",
        user_id: int = factory.DEFAULT_USER_ID,
        **options: Any,
    ) -> Chat:
        return running_bot.chat(language=language, kind=kind, user_id=user_id, **options)

    return open_chat
