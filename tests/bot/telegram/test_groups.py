"""In a group the bot speaks only when spoken to: a mention, a reply to it, or a command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.bot.telegram_html import visible_text
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import Chat

pytestmark = pytest.mark.timeout(60)

QUESTION = "How many Japanese companies are in Düsseldorf?"


ChatFactory = Callable[..., Awaitable[Chat]]


@pytest.fixture
async def group(telegram_chat: ChatFactory) -> Chat:
    return await telegram_chat(kind="group")


@pytest.mark.parametrize(
    "chatter", ["Good morning everyone!", QUESTION, "@someone_else what do you think?"]
)
async def test_group_chatter_gets_no_reply(group: Chat, chatter: str) -> None:
    replies = await group.user_says(chatter)
    assert list(replies) == []
    assert replies.calls == []


async def test_a_mention_is_answered_quoting_the_question(group: Chat) -> None:
    replies = await group.mention(QUESTION)
    assert "384" in visible_text(replies[0].text)
    assert replies[0].chat_id == group.chat["id"]
    quoted = replies[0].params.get("reply_parameters") or {}
    assert quoted.get("message_id") == group.last_message["message_id"]


async def test_a_mention_in_the_middle_counts_too(group: Chat) -> None:
    handle = f"@{group.bot_username}"
    text = f"Hey {handle}, how many Japanese live in NRW?"
    entity = {"type": "mention", "offset": 4, "length": factory.utf16_len(handle)}
    replies = await group._send_message(text, entities=[entity])
    assert "13,752" in visible_text(replies[0].text)


async def test_a_reply_to_the_bot_is_answered(group: Chat) -> None:
    first = await group.mention(QUESTION)
    replies = await group.reply_to(first[0], "and in NRW?")
    assert "600" in visible_text(replies[0].text)


async def test_a_reply_to_someone_else_is_not_for_the_bot(group: Chat) -> None:
    someone = factory.message("I think Düsseldorf", sender=factory.user(77, first_name="Ken"),
                              chat=group.chat)  # fmt: skip
    assert list(await group.reply_to(someone, QUESTION)) == []


async def test_commands_work_in_groups(group: Chat) -> None:
    facts = await group.command("facts")
    assert "384" in visible_text(facts[0].text)
    assert "/topics" in visible_text((await group.command("help"))[0].text)


async def test_a_command_for_another_bot_is_ignored(group: Chat) -> None:
    assert list(await group.user_says("/facts@some_other_bot")) == []


async def test_group_and_private_conversations_are_kept_apart(
    telegram_chat: ChatFactory,
) -> None:
    group = await telegram_chat(kind="group")
    private = await telegram_chat()
    await group.mention("How many Japanese live in Düsseldorf?")
    await private.user_says(QUESTION)
    replies = await group.mention("and in NRW?")
    assert "13,752" in visible_text(replies[0].text), "follows the group's own question"
