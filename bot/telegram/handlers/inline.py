"""Inline mode: ``@bot question`` in any chat offers up to five answers, ranked, as articles.

Only answers on file are offered (a result is shared into another chat); a query nothing
answers gets no result but a button to ask the bot directly.

Inline queries arrive with every keystroke and carry no chat, so they have no conversation
context, are not flood-guarded and are not written to the question log (half-typed
questions would only bury the real gaps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, ContextTypes, InlineQueryHandler

from bot import texts
from bot.telegram import callback_data, pages
from bot.telegram.answers import Answer, Answerer
from bot.telegram.handlers.common import NO_PREVIEW, Languages
from bot.telegram.render import MAX_BUTTON_LABEL, clean, valid_text
from intents.decision import SUGGEST_CONFIDENCE
from intents.reply import UNKNOWN_COMPANY, Reply
from knowledge import KnowledgeBase

if TYPE_CHECKING:
    from bot.telegram.services import Services

MAX_RESULTS = 5
CACHE_SECONDS = 60  # answers change only on reload; a minute keeps that visible quickly
_DESCRIPTION_CHARS = 120


class InlineQueries:
    def __init__(self, services: Services, languages: Languages) -> None:
        self._services = services
        self._languages = languages
        self._answerer = Answerer(services.conversations)

    def handlers(self) -> list[BaseHandler]:
        return [InlineQueryHandler(self.query)]

    async def query(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Offer answers to the typed question (or example questions while it is empty)."""
        inline = update.inline_query
        assert inline is not None
        snapshot = self._services.store.current  # once per update
        hint = self._languages.hint(inline.from_user)
        text = valid_text(inline.query).strip()
        answers: list[Answer] = []
        button = None
        if text:
            first = self._answerer.ask(snapshot, text, chat_id=None, language_hint=hint)
            if first.reply.answered:
                answers.append(first)
            # Then the matcher's other candidates, best first, each answered in full: a
            # result is shared into another chat, so only answers on file are offered.
            for entry_id in ranked_entries(first.reply, snapshot.kb):
                if len(answers) >= MAX_RESULTS:
                    break
                answer = self._answerer.ask_entry(
                    snapshot, entry_id, chat_id=None, language=first.reply.language
                )
                if answer is not None and answer.reply.answered:
                    answers.append(answer)
            if not answers:
                # Nothing on file answers it: no shareable "I don't know", but a way to
                # ask the bot itself, where it can say so and offer what it has.
                button = InlineQueryResultsButton(
                    text=texts.text("inline_ask_directly", first.reply.language),
                    start_parameter="inline",
                )
        else:
            language = self._languages.ui(inline.from_user)
            for entry in list(snapshot.kb.entries)[:MAX_RESULTS]:
                answer = self._answerer.ask_entry(snapshot, entry, chat_id=None, language=language)
                if answer is not None:
                    answers.append(answer)
        articles = [_article(answer, snapshot.kb) for answer in answers if answer.messages]
        unique = list({article.id: article for article in articles}.values())  # ids must differ
        await inline.answer(
            unique[:MAX_RESULTS], cache_time=CACHE_SECONDS, is_personal=True, button=button
        )


def ranked_entries(reply: Reply, kb: KnowledgeBase) -> list[str]:
    """Entries worth offering besides the reply's own: the matcher's other candidates, its
    suggestions and related entries, in that order, small talk left out."""
    if reply.kind == UNKNOWN_COMPANY:
        return []  # about a company not on file: nothing else answers it
    candidates = [
        c["entry"]
        for c in (reply.explanation or {}).get("candidates", [])
        if c["confidence"] >= SUGGEST_CONFIDENCE  # no weaker than a "did you mean"
    ]
    ordered = [
        *candidates,
        *(s.entry_id for s in reply.suggestions),
        *(s.entry_id for s in reply.follow_ups),
    ]
    return [
        e
        for e in dict.fromkeys(ordered)
        if e in kb.entries and not kb.entries[e].small_talk and e != reply.entry
    ]


def _article(answer: Answer, kb: KnowledgeBase) -> InlineQueryResultArticle:
    reply = answer.reply
    return InlineQueryResultArticle(
        id=callback_data.digest(f"{reply.entry or ''}|{reply.language}|{reply.text}"),
        title=_title(reply, kb),
        description=_preview(reply.text),
        input_message_content=InputTextMessageContent(
            answer.messages[0].html, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        ),
    )


def _title(reply: Reply, kb: KnowledgeBase) -> str:
    entry = kb.entries.get(reply.entry) if reply.answered and reply.entry else None
    if entry is not None:
        title = pages.entry_question(entry, reply.language, kb)
    else:
        title = reply.question or reply.text
    return _preview(title, MAX_BUTTON_LABEL * 2) or "…"


def _preview(text: str, limit: int = _DESCRIPTION_CHARS) -> str:
    flat = " ".join(clean(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
