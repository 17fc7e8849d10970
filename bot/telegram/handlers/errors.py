"""The one error handler: log the failure with its traceback, tell the user, carry on.

python-telegram-bot calls it for exceptions in handlers and in the polling loop alike; it
never re-raises, so one bad update cannot stop the bot. A reply whose answer from Telegram
was lost (bot/http/delivery.py) gets no apology: it may have reached the user, and an
apology after it would be a second message; sends are at most once (bot/http/retries.py).
The log names the update by id only: the content of users' messages stays out of the logs.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Conflict, NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.http.delivery import answer_lost
from bot.telegram import pages
from bot.telegram.handlers.common import Languages, Target, send

log = logging.getLogger(__name__)


class ErrorReporter:
    def __init__(self, languages: Languages) -> None:
        self._languages = languages

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the error; if it happened while answering someone, apologise to them."""
        error = context.error
        if not isinstance(update, Update):
            if isinstance(error, Conflict):
                log.error("Telegram reports a conflict: is another instance of this bot running? "
                          "(%s)", error)  # fmt: skip
            elif isinstance(error, NetworkError):
                log.warning("network error while talking to Telegram: %s", error)
            else:
                log.error("error outside of any update", exc_info=error)
            return
        log.error("error while handling update %s", update.update_id, exc_info=error)
        if error is not None and answer_lost(error):
            log.warning("update %s: its reply may have been delivered; no apology is sent",
                        update.update_id)  # fmt: skip
            return
        try:
            await self._apologise(update, context)
        except TelegramError as telling_failed:
            log.warning("could not tell the user about the error: %s", telling_failed)
        except Exception:
            log.exception("error while telling the user about an error")

    async def _apologise(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        language = self._languages.ui(update.effective_user)
        if update.callback_query is not None:
            await update.callback_query.answer(texts.text("error", language))
            return
        message = update.message  # new messages only: an edit or a channel post gets no reply
        if message is not None:
            await send(context.bot, Target.of_message(message), pages.text_page("error", language))
