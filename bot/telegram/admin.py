"""Admin commands: ``/reload``, ``/stats`` and ``/unanswered``.

Who is an admin is decided by numeric Telegram user id only (``ADMIN_IDS``): usernames can
be changed or taken over, ids cannot. Everyone else is refused politely in their language,
in private chats, groups and edited messages alike, and the attempt is logged by id.

Admin output quotes what other people asked, so it is only given in a private chat with
the admin; in a group an admin is asked to write privately instead.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatType, MessageLimit, ParseMode
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.insights.grouping import QuestionGroup
from bot.insights.statistics import Stats
from bot.logging_setup import private
from bot.stores.knowledge import ReloadOutcome
from bot.telegram.render import utf16_length

if TYPE_CHECKING:
    from bot.telegram.handlers.common import Languages
    from bot.telegram.services import Services

log = logging.getLogger(__name__)

# Room left under Telegram's 4096-character limit for the "… and N more" line.
_TEXT_BUDGET = MessageLimit.MAX_TEXT_LENGTH - 200
_STATS_DAYS_LISTED = 7
_STATS_DAYS_CHARTED = 30
_TOP_ENTRIES = 5
_UNANSWERED_LISTED = 10
# One line of a report never takes more than this, so one long question or problem cannot
# push all the others out of the message.
_LINE_CHARS = 300

_TEXTS: dict[str, dict[str, str]] = {
    "refused": {
        "en": "Sorry, this command is only for the bot's administrators.",
        "de": "Entschuldigung, dieser Befehl ist nur für die Administratoren des Bots.",
        "ja": "申し訳ありません。このコマンドはボットの管理者専用です。",
    },
    "private_only": {
        "en": "Admin commands show what other people asked, so please send them to me "
        "in a private chat.",
        "de": "Admin-Befehle zeigen, was andere gefragt haben. Bitte schicke sie mir "
        "in einem privaten Chat.",
        "ja": "管理コマンドは他の人の質問を表示するため、個別チャットで送ってください。",
    },
    "reloading": {
        "en": "Reloading the knowledge base…",
        "de": "Die Wissensbasis wird neu geladen…",
        "ja": "ナレッジベースを再読み込みしています…",
    },
    "more": {
        "en": "… and {count} more (run `python -m bot check` for the full list)",
        "de": "… und {count} weitere (vollständige Liste: `python -m bot check`)",
        "ja": "…ほか{count}件（全件は `python -m bot check` で確認できます）",
    },
    "stats_title": {
        "en": "Questions in the last {days} days: {total}",
        "de": "Fragen in den letzten {days} Tagen: {total}",
        "ja": "過去{days}日間の質問数：{total}",
    },
    "answered_rate": {
        "en": "Answered: {answered} of {total} ({rate:.0%}); did you mean: {dym}",
        "de": "Beantwortet: {answered} von {total} ({rate:.0%}); „Meinten Sie“: {dym}",
        "ja": "回答済み：{total}件中{answered}件（{rate:.0%}）、候補提示：{dym}件",
    },
    "per_day": {
        "en": "Per day (answered / not answered):",
        "de": "Pro Tag (beantwortet / nicht beantwortet):",
        "ja": "日別（回答済み／未回答）：",
    },
    "per_language": {
        "en": "By language:",
        "de": "Nach Sprache:",
        "ja": "言語別：",
    },
    "language_line": {
        "en": "{lang}: {total} ({share:.0%}), {answered} answered",
        "de": "{lang}: {total} ({share:.0%}), davon {answered} beantwortet",
        "ja": "{lang}：{total}件（{share:.0%}）、うち回答済み{answered}件",
    },
    "top_entries": {
        "en": "Most asked entries:",
        "de": "Meistgefragte Einträge:",
        "ja": "よく聞かれるエントリー：",
    },
    "no_questions": {
        "en": "No questions recorded in the last {days} days.",
        "de": "In den letzten {days} Tagen wurden keine Fragen erfasst.",
        "ja": "過去{days}日間に記録された質問はありません。",
    },
    "chart_caption": {
        "en": "Questions per day, last {days} days",
        "de": "Fragen pro Tag, letzte {days} Tage",
        "ja": "日別の質問数（過去{days}日間）",
    },
    "unanswered_title": {
        "en": "Most frequent unanswered questions (count, example, best candidate):",
        "de": "Häufigste unbeantwortete Fragen (Anzahl, Beispiel, bester Kandidat):",
        "ja": "未回答の質問（件数・例・最有力候補）：",
    },
    "unanswered_none": {
        "en": "No unanswered questions recorded. Nothing to add for now.",
        "de": "Keine unbeantworteten Fragen erfasst. Derzeit gibt es nichts zu ergänzen.",
        "ja": "未回答の質問は記録されていません。",
    },
    "unanswered_caption": {
        "en": "All unanswered questions, grouped (CSV, opens in Excel)",
        "de": "Alle unbeantworteten Fragen, gruppiert (CSV, öffnet in Excel)",
        "ja": "未回答の質問の一覧（CSV、Excelで開けます）",
    },
    "variants": {
        "en": "similar: {count}",
        "de": "ähnlich: {count}",
        "ja": "類似：{count}件",
    },
}


def _template(key: str, language: str) -> str:
    by_language = _TEXTS[key]
    return by_language.get(language, by_language["en"])


def _text(key: str, language: str, **values: object) -> str:
    return _template(key, language).format(**values)


def clip(text: str, limit: int = _LINE_CHARS) -> str:
    """``text`` cut to ``limit`` UTF-16 units (as Telegram counts), marked with "…" when cut
    (before escaping); never between the halves of a surrogate pair."""
    if utf16_length(text) <= limit:
        return text
    units = text.encode("utf-16-le", "surrogatepass")[: 2 * (limit - 1)]
    return units.decode("utf-16-le", "ignore") + "…"


def fit_lines(head: str, lines: Sequence[str], more: str, budget: int = _TEXT_BUDGET) -> str:
    """``head`` plus as many whole ``lines`` as fit in ``budget`` UTF-16 units, then ``more``.

    ``more`` is formatted with the number of lines left out; all parts are final text (already
    escaped), so what is measured is what Telegram counts.
    """
    text = head
    for shown, line in enumerate(lines):
        if utf16_length(text) + 1 + utf16_length(line) > budget:
            return f"{text}\n{more.format(count=len(lines) - shown)}"
        text = f"{text}\n{line}"
    return text


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
            await message.reply_text(_text("refused", language))
            return False
        if chat_type != ChatType.PRIVATE:
            log.info(
                "admin %s sent /%s in a %s chat; asked to use a private chat",
                user.id,
                command,
                chat_type,
            )
            await message.reply_text(_text("private_only", language))
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
        await message.reply_text(_text("reloading", language))
        outcome = await self._services.store.areload()
        await message.reply_text(reload_report(outcome, language), parse_mode=ParseMode.HTML)

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/stats: questions per day, answered rate, top entries, languages, and a chart."""
        if not await self._allowed(update, "stats"):
            return
        message = update.effective_message
        assert message is not None
        language = self._language(update)
        insights = self._services.insights
        stats = await asyncio.to_thread(insights.stats, _STATS_DAYS_CHARTED)
        await message.reply_text(stats_report(stats, language), parse_mode=ParseMode.HTML)
        if stats.total:
            # Rendering takes a moment (matplotlib); a worker thread keeps the bot answering.
            chart = await asyncio.to_thread(insights.stats_chart_png, _STATS_DAYS_CHARTED)
            await message.reply_photo(
                photo=chart,
                filename="stats.png",
                caption=_text("chart_caption", language, days=_STATS_DAYS_CHARTED),
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
            await message.reply_text(_text("unanswered_none", language))
            return
        await message.reply_text(unanswered_report(groups, language), parse_mode=ParseMode.HTML)
        data = await asyncio.to_thread(insights.unanswered_csv)
        day = datetime.now(UTC).date().isoformat()
        await message.reply_document(
            document=data,
            filename=f"unanswered-{day}.csv",
            caption=_text("unanswered_caption", language),
        )


def reload_report(outcome: ReloadOutcome, language: str) -> str:
    """The reload summary as HTML: the first line bold, every line escaped, within 4096."""
    head, *lines = outcome.summary(language).split("\n")
    more = html.escape(_template("more", language))
    escaped = [html.escape(clip(line)) for line in lines]
    return fit_lines(f"<b>{html.escape(clip(head))}</b>", escaped, more)


def stats_report(stats: Stats, language: str) -> str:
    if not stats.total:
        return html.escape(_text("no_questions", language, days=stats.days))
    lines = [
        f"<b>{html.escape(_text('stats_title', language, days=stats.days, total=stats.total))}</b>"
    ]
    lines.append(
        html.escape(
            _text(
                "answered_rate",
                language,
                answered=stats.answered,
                total=stats.total,
                rate=stats.answered_rate or 0.0,
                dym=stats.did_you_mean,
            )
        )
    )
    lines += ["", html.escape(_text("per_day", language))]
    for day in stats.per_day[-_STATS_DAYS_LISTED:]:
        lines.append(f"{day.day.isoformat()}: {day.answered} / {day.unanswered}")
    lines += ["", html.escape(_text("per_language", language))]
    for lang, counts in stats.per_language.items():
        share = counts.total / stats.total
        line = _text(
            "language_line",
            language,
            lang=lang,
            total=counts.total,
            share=share,
            answered=counts.answered,
        )
        lines.append(html.escape(line))
    if stats.top_entries:
        lines += ["", html.escape(_text("top_entries", language))]
        for entry, count in stats.top_entries[:_TOP_ENTRIES]:
            lines.append(f"{count} × {html.escape(entry)}")
    return fit_lines(lines[0], lines[1:], html.escape(_template("more", language)))


def unanswered_report(groups: Sequence[QuestionGroup], language: str) -> str:
    lines = []
    for number, group in enumerate(groups, start=1):
        candidate = (
            f" → {html.escape(group.best_entry)} ({group.best_score:.0f})"
            if group.best_entry
            else ""
        )
        similar = (
            f" [{html.escape(_text('variants', language, count=len(group.variants)))}]"
            if group.variants
            else ""
        )
        lines.append(
            f"{number}. {group.count} × “{html.escape(clip(group.example))}” "
            f"({html.escape(', '.join(group.languages))}){candidate}{similar}"
        )
    head = f"<b>{html.escape(_text('unanswered_title', language))}</b>"
    return fit_lines(head, lines, html.escape(_template("more", language)))
