"""Conversations as people have them, through the real Application and the fake Bot API:
a greeting, a thank-you after an answer, two questions in one message, follow-ups that
change the subject in each language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.bot.telegram.test_private_chat import figure, shown
from tests.fake_telegram.harness import BotUnderTest, Chat

pytestmark = pytest.mark.timeout(60)

ChatFactory = Callable[..., Awaitable[Chat]]


async def test_a_greeting_gets_a_short_reply_with_topics_and_no_figure(
    telegram_chat: ChatFactory,
) -> None:
    user = await telegram_chat(language="de")
    replies = await user.user_says("Hallo!")
    text = shown(replies)
    assert "Düsseldorf" in text and not any(ch.isdigit() for ch in text)
    assert replies.buttons, "topics to start from"


async def test_thanks_after_an_answer_is_small_talk_not_the_answer_again(
    telegram_chat: ChatFactory, running_bot: BotUnderTest
) -> None:
    kb = running_bot.services.store.current.kb  # type: ignore[attr-defined]
    user = await telegram_chat(language="en")
    answer = shown(await user.user_says("How many Japanese live in Düsseldorf?"))
    assert figure(kb, "residents-duesseldorf", "en") in answer
    thanks = shown(await user.user_says("thank you!"))
    assert figure(kb, "residents-duesseldorf", "en") not in thanks
    assert not any(ch.isdigit() for ch in thanks)


async def test_two_questions_in_one_message_are_both_answered_in_order(
    telegram_chat: ChatFactory, running_bot: BotUnderTest
) -> None:
    kb = running_bot.services.store.current.kb  # type: ignore[attr-defined]
    user = await telegram_chat(language="en")
    text = shown(
        await user.user_says(
            "Hi, we're a game studio from Fukuoka. How many Japanese companies are in"
            " Düsseldorf? And how many Japanese live in NRW?"
        )
    )
    companies = figure(kb, "companies-duesseldorf", "en")
    residents = figure(kb, "residents-nrw", "en")
    assert text.index(companies) < text.index(residents)


@pytest.mark.parametrize(
    ("language", "first", "follow_up", "fact"),
    [
        (
            "en",
            "How many Japanese companies are in Düsseldorf?",
            "and the residents?",
            "residents-duesseldorf",
        ),
        (
            "de",
            "Wie viele japanische Firmen gibt es in Düsseldorf?",
            "und die Japaner?",
            "residents-duesseldorf",
        ),
        (
            "ja",
            "デュッセルドルフに日本企業は何社ありますか？",
            "日本人は？",
            "residents-duesseldorf",
        ),
        ("en", "How many Japanese companies are in Düsseldorf?", "and in NRW?", "companies-nrw"),
    ],
)
async def test_a_follow_up_can_change_the_subject_or_the_place(
    telegram_chat: ChatFactory,
    running_bot: BotUnderTest,
    language: str,
    first: str,
    follow_up: str,
    fact: str,
) -> None:
    kb = running_bot.services.store.current.kb  # type: ignore[attr-defined]
    user = await telegram_chat(language=language)
    await user.user_says(first)
    text = shown(await user.user_says(follow_up))
    assert figure(kb, fact, language) in text
