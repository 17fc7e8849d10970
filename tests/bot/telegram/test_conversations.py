"""Per-chat conversation memory: what a follow-up refers to, bounded."""

from __future__ import annotations

from bot.telegram.conversations import Conversations
from intents.reply import ANSWER, NOT_ON_FILE, Conversation, Reply, SourceRef

SOURCE = SourceRef("release", "Press release", "Alleine in Düsseldorf haben 384 ...")


def reply(answered: bool, entry: str | None = "companies-duesseldorf") -> Reply:
    return Reply(
        question="q",
        language="en",
        answered=answered,
        kind=ANSWER if answered else NOT_ON_FILE,
        text="t",
        sources=(SOURCE,) if answered else (),
        context=Conversation(entry, "q", "en"),
    )


def test_a_new_chat_has_no_context() -> None:
    memory = Conversations().get(1)
    assert memory.conversation == Conversation()
    assert memory.last_sources == ()


def test_chats_remember_separately() -> None:
    chats = Conversations()
    chats.remember(1, reply(True))
    assert chats.get(1).conversation.last_entry == "companies-duesseldorf"
    assert chats.get(2).conversation.last_entry is None


def test_an_unanswered_question_keeps_the_excerpt_of_the_last_answer() -> None:
    chats = Conversations()
    chats.remember(1, reply(True))
    chats.remember(1, reply(False, entry=None))
    assert chats.get(1).last_sources == (SOURCE,)


def test_the_least_recently_active_chat_is_forgotten_first() -> None:
    chats = Conversations(capacity=2)
    chats.remember(1, reply(True))
    chats.remember(2, reply(True))
    chats.get(1)  # chat 1 is active again
    chats.remember(3, reply(True))
    assert len(chats) == 2
    assert chats.get(2).conversation.last_entry is None
    assert chats.get(1).conversation.last_entry == "companies-duesseldorf"
