"""The bot under pressure: the fixtures of ``tests/bot`` plus ways to tune the transport.

Every chat in these tests belongs to a user of its own, so "answered exactly once" can be
checked per chat: one update in, one reply out.
"""

from __future__ import annotations

from collections import Counter

from tests.bot.conftest import (  # noqa: F401  (fixtures shared with the bot tests)
    ADMIN_ID,
    SHIPPED_BASE,
    bot_env,
    bot_settings,
    fake_telegram,
    pytest_configure,
    running_bot,
    telegram_chat,
)
from tests.fake_telegram import FakeTelegram

# Every library logger that may print a request: opened up to DEBUG while logs are captured,
# so the redaction must hold without the help of quiet loggers.
NOISY_LOGGERS = ("httpx", "httpcore", "aiohttp", "telegram", "tornado", "asyncio", "hpack")


def replies_per_chat(server: FakeTelegram) -> Counter[int]:
    """How many messages reached each chat (sendMessage calls that took effect)."""
    return Counter(call.params["chat_id"] for call in server.sent_messages())


def chats_of(burst: list[dict]) -> set[int]:
    return {update["message"]["chat"]["id"] for update in burst}
