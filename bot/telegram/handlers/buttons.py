"""Inline button presses. Callback data comes back from the client and is untrusted: it is
decoded and resolved against the current base, and anything that does not resolve (forged,
or stale after a reload) gets a polite "no longer valid" and nothing else."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from bot import texts
from bot.logging_setup import private
from bot.telegram import callback_data, pages
from bot.telegram.callback_data import ButtonData, DigestIndex
from bot.telegram.handlers.common import NO_PREVIEW, Languages, Target, keyboard_markup, send
from bot.telegram.handlers.questions import QuestionFlow
from bot.telegram.render import Block, OutgoingMessage, render_blocks

if TYPE_CHECKING:
    from bot.telegram.services import Services

log = logging.getLogger(__name__)


class Buttons:
    def __init__(self, services: Services, flow: QuestionFlow, languages: Languages) -> None:
        self._services = services
        self._flow = flow
        self._languages = languages
        self._digests = DigestIndex()

    def handlers(self) -> list[BaseHandler]:
        return [CallbackQueryHandler(self.pressed)]

    async def pressed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Dispatch a button press by its kind."""
        query = update.callback_query
        assert query is not None
        user = update.effective_user
        language = self._languages.ui(user)
        button = callback_data.decode(query.data)
        if button is None or query.message is None:
            await self._refuse(query, language)
            return
        snapshot = self._services.store.current  # once per update
        kb = snapshot.kb
        target = Target.of_message(query.message, quote=False)
        key = (kb.fingerprint, button.kind)

        if button.kind == callback_data.QUESTION:
            entry = self._digests.resolve(button, kb.entries, cache_key=key)
            if entry is None:
                await self._refuse(query, language)
                return
            await query.answer()
            await self._flow.entry(context.bot, target, user, snapshot, entry)
            return
        if button.kind == callback_data.EXCERPT:
            entry = self._digests.resolve(button, kb.entries, cache_key=key)
            if entry is None:
                await self._refuse(query, language)
                return
            page = pages.excerpt_page(kb, language, kb.evidence_of(kb.entries[entry]))
        elif button.kind == callback_data.ENTITY_EXCERPT:
            entity_id = self._digests.resolve(button, kb.entities, cache_key=key)
            entity = kb.entities.get(entity_id) if entity_id else None
            if entity is None:
                await self._refuse(query, language)
                return
            page = pages.excerpt_page(kb, language, [entity.evidence] if entity.evidence else [])
        elif button.kind == callback_data.TOPIC:
            topic = self._digests.resolve(button, pages.topics(kb), cache_key=key)
            if topic is None:
                await self._refuse(query, language)
                return
            page = pages.topic_page(kb, language, topic)
        else:  # LANGUAGE
            await self._set_language(query, button, language)
            return
        await query.answer()
        await send(context.bot, target, page)

    async def _set_language(self, query: CallbackQuery, button: ButtonData, language: str) -> None:
        code = button.value
        if button.hashed or (code != "auto" and code not in texts.UI_LANGUAGES):
            await self._refuse(query, language)
            return
        chosen = None if code == "auto" else code
        self._services.preferences.set_language(query.from_user.id, chosen)
        confirmation = texts.text(
            "language_set" if chosen else "language_auto_set", chosen or language
        )
        await query.answer()
        await self._replace(query, render_blocks([Block(confirmation)]))

    async def _replace(self, query: CallbackQuery, messages: list[OutgoingMessage]) -> None:
        """Show ``messages`` in place of the menu that was pressed (a new message if it cannot
        be edited any more)."""
        first = messages[0]
        try:
            await query.edit_message_text(
                first.html,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard_markup(first.keyboard),
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as error:  # too old to edit, or unchanged
            log.info("could not edit the language menu (%s); sending a new message", error)
            assert query.message is not None
            await send(query.get_bot(), Target.of_message(query.message, quote=False), messages)

    async def _refuse(self, query: CallbackQuery, language: str) -> None:
        log.info("unknown button pressed by user %s", private(query.from_user.id))
        await query.answer(texts.text("unknown_button", language), show_alert=False)
