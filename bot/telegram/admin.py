"""Admin commands: ``/reload``, ``/stats`` and ``/unanswered``.

Who is an admin is decided by numeric Telegram user id only (``ADMIN_IDS``): usernames can
be changed or taken over, ids cannot. Everyone else is refused politely in their language,
in private chats, groups and edited messages alike, and the attempt is logged by id.

Admin output quotes what other people asked, so it is only given in a private chat with
the admin; in a group an admin is asked to write privately instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import LinkPreviewOptions, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.insights.grouping import QuestionGroup
from bot.insights.statistics import Stats
from bot.logging_setup import private
from bot.stores.knowledge import ReloadOutcome
from bot.telegram.render import (
    BOLD,
    Block,
    OutgoingMessage,
    render_blocks,
    render_list,
    utf16_length,
)
from bot.texts import text
from intents.formats import format_day, format_number, format_percent, language_name

if TYPE_CHECKING:
    from bot.telegram.handlers.common import Languages
    from bot.telegram.services import Services

log = logging.getLogger(__name__)

_STATS_DAYS_LISTED = 7
_STATS_DAYS_CHARTED = 30
_TOP_ENTRIES = 5
_UNANSWERED_LISTED = 10
# One line of a report never takes more than this, so one long question or problem cannot
# push all the others out of the message.
_LINE_CHARS = 300


def clip(text: str, limit: int = _LINE_CHARS) -> str:
    """``text`` cut to ``limit`` UTF-16 units (as Telegram counts), marked with "…" when cut
    (before escaping); never between the halves of a surrogate pair."""
    if utf16_length(text) <= limit:
        return text
    units = text.encode("utf-16-le", "surrogatepass")[: 2 * (limit - 1)]
    return units.decode("utf-16-le", "ignore") + "…"


async def _reply(message: Message, messages: Sequence[OutgoingMessage]) -> None:
    """Send rendered messages in answer to ``message`` (always a private chat here)."""
    for outgoing in messages:
        await message.reply_text(
            outgoing.html,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )


def _say(key: str, language: str, **values: str) -> list[OutgoingMessage]:
    return render_blocks([Block(text(key, language, **values))])


class AdminCommands:
    """Handlers for the admin commands, given the bot's services."""

    def __init__(self, services: Services, languages: Languages) -> None:
        self._services = services
        self._languages = languages

    def handlers(self) -> list[BaseHandler]:  # type: ignore[type-arg]
        # CommandHandler listens to messages and edited messages alike by default, and in
        # groups only to "/cmd" or "/cmd@thisbot".
        return [
            CommandHandler("reload", self.reload),
            CommandHandler("stats", self.stats),
            CommandHandler("unanswered", self.unanswered),
        ]

    def _language(self, update: Update) -> str:
        """The language the user chose with /language, else their client's."""
        return self._languages.ui(update.effective_user)

    async def _allowed(self, update: Update, command: str) -> bool:
        """Whether to run an admin command; answers the user itself when not."""
        message = update.effective_message
        user = update.effective_user
        if message is None:
            return False
        language = self._language(update)
        chat_type = update.effective_chat.type if update.effective_chat else "?"
        if user is None or user.id not in self._services.settings.admin_ids:
            log.warning(
                "refused /%s from non-admin user id %s (%s chat%s)",
                command,
                private(user.id) if user else "unknown",
                chat_type,
                ", edited message" if update.edited_message else "",
            )
            await _reply(message, _say("refused", language))
            return False
        if chat_type != ChatType.PRIVATE:
            log.info(
                "admin %s sent /%s in a %s chat; asked to use a private chat",
                user.id,
                command,
                chat_type,
            )
            await _reply(message, _say("private_only", language))
            return False
        return True

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/reload: load the base again; report the changes or the problems."""
        if not await self._allowed(update, "reload"):
            return
        message = update.effective_message
        assert message is not None and update.effective_user is not None
        language = self._language(update)
        log.info("admin %s asked for a reload", update.effective_user.id)
        await _reply(message, _say("reloading", language))
        outcome = await self._services.store.areload()
        await _reply(message, reload_report(outcome, language))

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/stats: questions per day, answered rate, top entries, languages, and a chart."""
        if not await self._allowed(update, "stats"):
            return
        message = update.effective_message
        assert message is not None
        language = self._language(update)
        insights = self._services.insights
        stats = await asyncio.to_thread(insights.stats, _STATS_DAYS_CHARTED)
        await _reply(message, stats_report(stats, language))
        if stats.total:
            # Rendering takes a moment (matplotlib); a worker thread keeps the bot answering.
            chart = await asyncio.to_thread(insights.stats_chart_png, _STATS_DAYS_CHARTED)
            await message.reply_photo(
                photo=chart,
                filename="stats.png",
                caption=text(
                    "chart_caption", language, days=format_number(_STATS_DAYS_CHARTED, language)
                ),
            )

    async def unanswered(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/unanswered: the most frequent unanswered questions, grouped, plus all as CSV."""
        if not await self._allowed(update, "unanswered"):
            return
        message = update.effective_message
        assert message is not None
        language = self._language(update)
        insights = self._services.insights
        groups = await asyncio.to_thread(insights.unanswered, _UNANSWERED_LISTED)
        if not groups:
            await _reply(message, _say("unanswered_none", language))
            return
        await _reply(message, unanswered_report(groups, language))
        data = await asyncio.to_thread(insights.unanswered_csv)
        day = datetime.now(UTC).date().isoformat()
        await message.reply_document(
            document=data,
            filename=f"unanswered-{day}.csv",
            caption=text("unanswered_caption", language),
        )


def _more(language: str) -> Callable[[int], str]:
    return lambda count: text("more", language, count=format_number(count, language))


def reload_report(outcome: ReloadOutcome, language: str) -> list[OutgoingMessage]:
    """The reload summary in one message: the first line bold, then as many lines as fit."""
    head, *lines = outcome.summary(language).split("\n")
    return render_list(Block(clip(head), BOLD), [clip(line) for line in lines], _more(language))


def stats_report(stats: Stats, language: str) -> list[OutgoingMessage]:
    """Totals, the answered rate, the last days, the languages and the most asked entries."""
    if not stats.total:
        return _say("no_questions", language, days=format_number(stats.days, language))

    def number(value: int) -> str:
        return format_number(value, language)

    title = text("stats_title", language, days=number(stats.days), total=number(stats.total))
    rate = text(
        "answered_rate",
        language,
        answered=number(stats.answered),
        total=number(stats.total),
        rate=format_percent(stats.answered_rate or 0.0, language),
        dym=number(stats.did_you_mean),
    )
    per_day = [text("per_day", language)] + [
        text(
            "per_day_line",
            language,
            day=format_day(day.day, language),
            answered=number(day.answered),
            unanswered=number(day.unanswered),
        )
        for day in stats.per_day[-_STATS_DAYS_LISTED:]
    ]
    per_language = [text("per_language", language)] + [
        text(
            "language_line",
            language,
            language=language_name(code, language),
            total=number(counts.total),
            share=format_percent(counts.total / stats.total, language),
            answered=number(counts.answered),
        )
        for code, counts in stats.per_language.items()
    ]
    blocks = [
        Block(title, BOLD),
        Block(rate),
        Block("\n".join(per_day)),
        Block("\n".join(per_language)),
    ]
    if stats.top_entries:
        top = [
            f"{number(count)} × {clip(entry)}" for entry, count in stats.top_entries[:_TOP_ENTRIES]
        ]
        blocks.append(Block("\n".join([text("top_entries", language), *top])))
    return render_blocks(blocks)


def unanswered_report(groups: Sequence[QuestionGroup], language: str) -> list[OutgoingMessage]:
    """The most frequent unanswered questions, each with its best candidate entry."""
    lines = []
    for number, group in enumerate(groups, start=1):
        line = text(
            "unanswered_line",
            language,
            number=format_number(number, language),
            count=format_number(group.count, language),
            example=clip(group.example),
            languages=", ".join(group.languages),
        )
        if group.best_entry:
            line += f" → {group.best_entry} ({format_number(round(group.best_score), language)})"
        if group.variants:
            similar = text("variants", language, count=format_number(len(group.variants), language))
            line += f" [{similar}]"
        lines.append(line)
    head = Block(text("unanswered_title", language), BOLD)
    return render_list(head, lines, _more(language))
