"""The flood gate: every update from a user who sends too many is dropped before any handler.

Questions have their own, tighter limit (``FLOOD_LIMIT_PER_MINUTE``, in ``QuestionFlow``);
this one covers everything a user can send, commands, button presses and inline queries
included, at ``UPDATES_PER_QUESTION`` times that limit, and inline queries (a client sends
one per pause in typing) on a budget of their own of the same size. The first refusal in a
window is told (a message, or a note on the button); later ones cost nothing at all.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, ContextTypes, TypeHandler

from bot import texts
from bot.logging_setup import private
from bot.telegram import pages
from bot.telegram.flood import FloodGuard, Verdict
from bot.telegram.handlers.common import Languages, Target, send

log = logging.getLogger(__name__)

UPDATES_PER_QUESTION = 3  # any update: three times the question limit
GATE_GROUP = -1  # python-telegram-bot runs lower groups first


class FloodGate:
    def __init__(self, limit_per_minute: int, languages: Languages) -> None:
        limit = limit_per_minute * UPDATES_PER_QUESTION
        self.updates = FloodGuard(limit)
        self.inline_queries = FloodGuard(limit)
        self._languages = languages

    def handler(self) -> BaseHandler:
        return TypeHandler(Update, self.check)

    async def check(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Let the update through, or stop it here (``ApplicationHandlerStop``)."""
        user = update.effective_user
        if user is None:
            return
        guard = self.inline_queries if update.inline_query is not None else self.updates
        verdict = guard.check(user.id)
        if verdict is Verdict.ALLOW:
            return
        if verdict is Verdict.REFUSE_AND_NOTIFY:
            log.info("flood gate: user %s is over %d updates a minute", private(user.id),
                     guard.limit_per_minute)  # fmt: skip
            await self._tell(update, context)
        raise ApplicationHandlerStop

    async def _tell(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        language = self._languages.ui(update.effective_user)
        if update.callback_query is not None:
            await update.callback_query.answer(texts.text("flood", language))
        elif update.message is not None:
            page = pages.text_page("flood", language)
            await send(context.bot, Target.of_message(update.message), page)
