"""Inline mode: ``@bot question`` in any chat offers answers as articles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.bot.starting import vague_question
from tests.bot.telegram_html import visible_text
from tests.fake_telegram.harness import BotUnderTest, Chat

pytestmark = pytest.mark.timeout(60)


ChatFactory = Callable[..., Awaitable[Chat]]


@pytest.fixture
async def user(telegram_chat: ChatFactory) -> Chat:
    return await telegram_chat(language="en")


def contents(results: list[dict[str, Any]]) -> list[str]:
    for result in results:
        assert result["type"] == "article"
        assert len(result["id"].encode()) <= 64
        assert result["input_message_content"]["parse_mode"] == "HTML"
    return [visible_text(r["input_message_content"]["message_text"]) for r in results]


async def test_an_inline_question_offers_its_answer_as_an_article(user: Chat) -> None:
    replies = await user.inline("How many Japanese live in Düsseldorf?")
    assert list(replies) == [], "inline mode sends no chat message itself"
    [answer] = replies.inline_answers
    assert answer["is_personal"] is True
    [first, *_] = contents(replies.inline_results)
    assert "7,038" in first
    assert "Press release, Tokyo, 13 Sep 2017" in first
    assert replies.inline_results[0]["title"]


async def test_inline_answers_follow_the_question_language(user: Chat) -> None:
    replies = await user.inline("Wie viele Japaner leben in Düsseldorf?")
    assert "7.038" in contents(replies.inline_results)[0]


async def test_an_empty_inline_query_offers_examples(user: Chat) -> None:
    replies = await user.inline("")
    examples = contents(replies.inline_results)
    assert 1 <= len(examples) <= 5
    assert all("Source:" in text for text in examples)


async def test_a_vague_inline_query_offers_the_candidates(
    user: Chat, running_bot: BotUnderTest
) -> None:
    vague = vague_question(running_bot.services.store.current.responder)  # type: ignore[attr-defined]
    replies = await user.inline(vague)
    offered = contents(replies.inline_results)
    assert len(offered) >= 2
    assert all("Source:" in text for text in offered), "each suggestion, answered"


async def test_inline_markup_is_escaped(user: Chat) -> None:
    replies = await user.inline("<b>How many Japanese live in NRW? & Co</b>")
    results = replies.inline_results
    assert results
    contents(results)  # well-formed, or this raises
    for result in results:
        assert "<b>How many" not in result["input_message_content"]["message_text"]
        assert "<b>" not in result["title"]


async def test_an_inline_question_offers_up_to_five_ranked_answers(user: Chat) -> None:
    replies = await user.inline("How many Japanese companies are in NRW?")
    offered = contents(replies.inline_results)
    assert 2 <= len(offered) <= 5
    assert "600" in offered[0], "the answer itself comes first"
    assert all("Source:" in text for text in offered), "each one answered, with its source"


async def test_a_query_nothing_answers_offers_no_decline_but_a_way_to_ask(user: Chat) -> None:
    replies = await user.inline("Is Sony in NRW?")
    assert replies.inline_results == [], "no shareable 'nothing on file'"
    [answer] = replies.inline_answers
    assert answer["button"]["start_parameter"] == "inline"
    assert "ask the bot directly" in answer["button"]["text"]


async def test_inline_questions_are_not_logged(user: Chat, running_bot: BotUnderTest) -> None:
    await user.inline("How many Japanese")
    assert running_bot.services.insights.unanswered() == []  # type: ignore[attr-defined]
