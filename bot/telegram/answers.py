"""Answering in a chat: the one path from a question to the messages every face sends.

Private messages, group mentions, question buttons, deep links and inline queries all
come through here, so they answer identically. The caller reads ``store.current`` once per
update and passes that snapshot in: one update, one base, even while a reload swaps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.stores.knowledge import Snapshot
from bot.telegram import callback_data
from bot.telegram.conversations import Conversations
from bot.telegram.render import OutgoingMessage, render_reply
from intents.reply import COMPANY, Reply
from knowledge import KnowledgeBase


@dataclass(frozen=True, slots=True)
class Answer:
    reply: Reply
    messages: list[OutgoingMessage]


class Answerer:
    def __init__(self, conversations: Conversations) -> None:
        self._conversations = conversations

    def ask(
        self,
        snapshot: Snapshot,
        question: str,
        *,
        chat_id: int | None,
        language_hint: str | None,
        chosen_language: str | None = None,
    ) -> Answer:
        """Answer ``question`` in chat ``chat_id``'s context (None: no context, as inline).

        ``chosen_language`` is the user's /language choice: every reply is in that language
        when the base has it, whatever language the question was asked in.
        """
        context = self._conversations.get(chat_id).conversation if chat_id is not None else None
        reply = snapshot.responder.reply(
            question, context=context, language_hint=language_hint, language=chosen_language
        )
        return self._answer(snapshot, reply, chat_id)

    def ask_entry(
        self, snapshot: Snapshot, entry_id: str, *, chat_id: int | None, language: str
    ) -> Answer | None:
        """Answer entry ``entry_id`` (a button, a deep link); None if the base lacks it."""
        if entry_id not in snapshot.kb.entries:
            return None
        reply = snapshot.responder.answer_entry(entry_id, language)
        return self._answer(snapshot, reply, chat_id)

    def _answer(self, snapshot: Snapshot, reply: Reply, chat_id: int | None) -> Answer:
        if chat_id is not None:
            self._conversations.remember(chat_id, reply)
        messages = render_reply(reply, excerpt_button=excerpt_button(reply, snapshot.kb))
        return Answer(reply, messages)


def excerpt_button(reply: Reply, kb: KnowledgeBase) -> str | None:
    """Callback data of the "show excerpt" button for ``reply``, or None when it has none."""
    if not reply.answered or not reply.sources:
        return None
    entry = reply.entry
    if entry is not None and entry in kb.entries and kb.evidence_of(kb.entries[entry]):
        return callback_data.encode(callback_data.EXCERPT, entry)
    if reply.kind == COMPANY:
        company = _company_of(reply, kb)
        if company is not None:
            return callback_data.encode(callback_data.ENTITY_EXCERPT, company)
    return None


def _company_of(reply: Reply, kb: KnowledgeBase) -> str | None:
    """The entity a company reply is about: the one whose evidence it cites."""
    cited = {source.excerpt for source in reply.sources}
    for entity in kb.entities.values():
        if entity.kind == "company" and entity.evidence and entity.evidence.excerpt in cited:
            return entity.id
    return None
