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
from tests.fake_telegram import updates as factory

QUESTIONS = (
    ("en", "How many Japanese companies are in Düsseldorf?"),
    ("de", "Wie viele Japaner leben in NRW?"),
    ("ja", "デュッセルドルフには日本人が何人住んでいますか？"),
    ("en", "Which Japanese companies have invested in NRW?"),
    ("de", "Was wurde in Tokio vorgestellt?"),
    ("en", "What is the weather like in Düsseldorf?"),  # not on file: answered all the same
)


def question_burst(count: int, first_user: int = 10_000) -> list[dict]:
    """``count`` private questions, each from a user (and chat) of its own."""
    burst = []
    for index in range(count):
        language, text = QUESTIONS[index % len(QUESTIONS)]
        sender = factory.user(first_user + index, language_code=language)
        burst.append(factory.private_message(text, sender=sender))
    return burst


def replies_per_chat(server: FakeTelegram) -> Counter[int]:
    """How many messages reached each chat (sendMessage calls that took effect)."""
    return Counter(call.params["chat_id"] for call in server.sent_messages())


def chats_of(burst: list[dict]) -> set[int]:
    return {update["message"]["chat"]["id"] for update in burst}
