"""Inline mode: ``@bot question`` in any chat offers the best answers as articles.

Inline queries arrive with every keystroke and carry no chat, so they have no conversation
context, are not flood-guarded and are not written to the question log (half-typed
questions would only bury the real gaps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import InlineQueryLimit, ParseMode
from telegram.ext import BaseHandler, ContextTypes, InlineQueryHandler

from bot import callback_data, pages
from bot.answers import Answer, Answerer
from bot.handlers.common import NO_PREVIEW, Languages
from bot.render import MAX_BUTTON_LABEL, clean, valid_text
from intents.reply import Reply
from knowledge import KnowledgeBase

if TYPE_CHECKING:
    from bot.services import Services

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
        if text:
            first = self._answerer.ask(snapshot, text, chat_id=None, language_hint=hint)
            answers.append(first)
            others = [s.entry_id for s in (*first.reply.suggestions, *first.reply.follow_ups)]
            if not first.reply.answered:
                for entry_id in others[: MAX_RESULTS - 1]:
                    answer = self._answerer.ask_entry(
                        snapshot, entry_id, chat_id=None, language=first.reply.language
                    )
                    if answer is not None and answer.reply.answered:
                        answers.append(answer)
                if len(answers) > 1:
                    answers = answers[1:]  # suggestions answer; "not on file" does not help
        else:
            language = self._languages.ui(inline.from_user)
            for entry in list(snapshot.kb.entries)[:MAX_RESULTS]:
                answer = self._answerer.ask_entry(snapshot, entry, chat_id=None, language=language)
                if answer is not None:
                    answers.append(answer)
        articles = [_article(answer, snapshot.kb) for answer in answers if answer.messages]
        unique = list({article.id: article for article in articles}.values())  # ids must differ
        await inline.answer(
            unique[: InlineQueryLimit.RESULTS], cache_time=CACHE_SECONDS, is_personal=True
        )


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
