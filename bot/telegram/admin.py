"""Admin commands: ``/reload``, ``/stats``, ``/unanswered`` (the curator's work list, with its
buttons), ``/undo`` and ``/edits``.

The work list's buttons carry a token into a work item stored server-side
(``bot.curation.edit_log``) and an action, never an entry id: a press is checked to come
from an admin, and from the admin the item was shown to, before anything is done. What the
buttons do is ``bot.curation.curator.Curator``'s, shared with ``python -m bot curate``.

Who is an admin is decided by numeric Telegram user id only (``ADMIN_IDS``): usernames can
be changed or taken over, ids cannot. Everyone else is refused politely in their language,
in private chats, groups and edited messages alike, and the attempt is logged by id.

Admin output quotes what other people asked, so it is only given in a private chat with
the admin; in a group an admin is asked to write privately instead.
"""

from __future__ import annotations

import asyncio
import logging
import string
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from telegram import Bot, LinkPreviewOptions, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.curation.curator import ADD, CHECK_FAILED, RELOAD_FAILED, EditOutcome, WorkGroup
from bot.curation.edit_log import Edit
from bot.insights.statistics import Stats
from bot.logging_setup import private
from bot.stores.knowledge import ReloadOutcome
from bot.telegram import callback_data
from bot.telegram.render import (
    BOLD,
    ITALIC,
    Block,
    Button,
    Keyboard,
    OutgoingMessage,
    render_blocks,
    render_list,
    utf16_length,
)
from bot.texts import TEXTS, text
from intents.diagnostics import confusions, weak_phrasings
from intents.formats import format_day, format_number, format_percent, language_name
from intents.matcher import Matcher

if TYPE_CHECKING:
    from bot.telegram.handlers.common import Languages
    from bot.telegram.services import Services

log = logging.getLogger(__name__)

_STATS_DAYS_LISTED = 7
_STATS_DAYS_CHARTED = 30
_TOP_ENTRIES = 5
_UNANSWERED_LISTED = 10
# Groups of the work list sent with their own buttons (one message each); the rest are in
# the summary and the CSV, and move up as these are dealt with.
_WORK_ITEMS_SHOWN = 5
_EDITS_LISTED = 10
_CONFUSIONS_LISTED = 5
# A button's action on a work item: add to the n-th candidate, decline, later.
_ADD_PREFIX, _DECLINE, _LATER = "a", "n", "l"
_HASH_SHOWN = 12  # hex digits of a SHA-256 shown to admins: enough to tell files apart
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
    await _send(message.get_bot(), message.chat_id, messages)


async def _send(bot: Bot, chat_id: int, messages: Sequence[OutgoingMessage]) -> None:
    # Here, not at the top: bot.telegram.handlers imports this module.
    from bot.telegram.handlers.common import keyboard_markup

    for outgoing in messages:
        await bot.send_message(
            chat_id,
            outgoing.html,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=keyboard_markup(outgoing.keyboard),
        )


class _CurationButtons(CallbackQueryHandler):  # type: ignore[type-arg]
    """The work list's buttons only. python-telegram-bot lets a query without data through
    any pattern (neither data nor a game name: a match); such a query is the general button
    handler's to refuse, not an admin's."""

    def check_update(self, update: object) -> bool | object | None:
        query = update.callback_query if isinstance(update, Update) else None
        if query is None or not query.data:
            return None
        return super().check_update(update)


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
            CommandHandler("undo", self.undo),
            CommandHandler("edits", self.edits),
            _CurationButtons(self.pressed, pattern=f"^{callback_data.CURATE}[:#]"),
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
        matcher = self._services.store.current.responder.matcher
        matching = await asyncio.to_thread(matching_blocks, matcher, language)
        await _reply(message, render_blocks([*stats_blocks(stats, language), *matching]))
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
        """/unanswered: the work list (groups not yet reviewed, with candidate entries), the
        first groups with buttons, and every unanswered question as CSV."""
        if not await self._allowed(update, "unanswered"):
            return
        message = update.effective_message
        user = update.effective_user
        assert message is not None and user is not None
        language = self._language(update)
        insights = self._services.insights
        curator = self._services.curator
        groups = await asyncio.to_thread(insights.unanswered, None)
        work = await asyncio.to_thread(curator.work_list, groups, _UNANSWERED_LISTED)
        if not work:
            await _reply(message, _say("unanswered_none", language))
            return
        await _reply(message, unanswered_report(work, language))
        read_only = await asyncio.to_thread(curator.read_only)
        for group in work[:_WORK_ITEMS_SHOWN]:
            token = await asyncio.to_thread(curator.issue, group, user.id)
            keyboard = work_item_keyboard(group, token, language, read_only)
            await _reply(message, work_item_text(group, language, keyboard, read_only=read_only))
        data = await asyncio.to_thread(insights.unanswered_csv)
        day = datetime.now(UTC).date().isoformat()
        await message.reply_document(
            document=data,
            filename=f"unanswered-{day}.csv",
            caption=text("unanswered_caption", language),
        )

    async def undo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/undo: revert this admin's latest edit of the base."""
        if not await self._allowed(update, "undo"):
            return
        message = update.effective_message
        user = update.effective_user
        assert message is not None and user is not None
        language = self._language(update)
        log.info("admin %s asked to undo their last edit", user.id)
        outcome = await asyncio.to_thread(self._services.curator.undo, user.id)
        await _reply(message, edit_report(outcome, language))

    async def edits(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/edits: the edit log, newest first."""
        if not await self._allowed(update, "edits"):
            return
        message = update.effective_message
        assert message is not None
        language = self._language(update)
        edits = await asyncio.to_thread(self._services.curator.edits, _EDITS_LISTED)
        await _reply(message, edits_report(edits, language))

    async def pressed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button of the work list: add to a candidate, decline, or later."""
        query = update.callback_query
        user = update.effective_user
        assert query is not None
        language = self._language(update)
        if user is None or user.id not in self._services.settings.admin_ids:
            log.warning(
                "refused a curation button from non-admin user id %s",
                private(user.id) if user else "unknown",
            )
            await query.answer(text("refused", language), show_alert=True)
            return
        parsed = _parse_action(query.data)
        curator = self._services.curator
        item = await asyncio.to_thread(curator.item, parsed[0], user.id) if parsed else None
        if parsed is None or item is None or query.message is None:
            log.info("admin %s pressed a curation button that is no longer valid", user.id)
            await query.answer(text("stale_button", language), show_alert=True)
            return
        chat_id = query.message.chat.id
        action = parsed[1]
        if action == _LATER:
            await query.answer(text("later", language))
            await _drop_keyboard(query)
            return
        if action == _DECLINE:
            await asyncio.to_thread(curator.decline, item, user.id)
            log.info("admin %s marked a group of questions as not on file", user.id)
            await query.answer()
            await _drop_keyboard(query)
            declined = _say("declined", language, example=clip(item.question))
            await _send(context.bot, chat_id, declined)
            return
        index = int(action[len(_ADD_PREFIX) :])
        if index >= len(item.candidates):
            await query.answer(text("stale_button", language), show_alert=True)
            return
        entry = item.candidates[index]
        await query.answer(text("adding", language))
        log.info("admin %s adds a phrasing to entry %s", user.id, entry)
        outcome = await asyncio.to_thread(
            curator.add,
            entry,
            item.question,
            user.id,
            language=item.language,
            resolves=item.normalized,
        )
        if outcome.ok:
            await _drop_keyboard(query)
        await _send(context.bot, chat_id, edit_report(outcome, language))


def _parse_action(data: object) -> tuple[str, str] | None:
    """(token, action) of a work list button, or None for anything this bot did not make."""
    button = callback_data.decode(data)
    if button is None or button.kind != callback_data.CURATE or button.hashed:
        return None
    token, _, action = button.value.partition(".")
    valid_add = action.startswith(_ADD_PREFIX) and action[len(_ADD_PREFIX) :].isdigit()
    if not token or not (valid_add or action in (_DECLINE, _LATER)):
        return None
    return token, action


async def _drop_keyboard(query: object) -> None:
    """Take the buttons off a work item that has been dealt with."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)  # type: ignore[attr-defined]
    except BadRequest as error:  # too old to edit, or already without buttons
        log.info("could not remove the buttons of a work item (%s)", error)


def work_item_keyboard(group: WorkGroup, token: str, language: str, read_only: bool) -> Keyboard:
    """One row per candidate ("Add as a phrasing of ..."), then decline and later."""
    rows: list[tuple[Button, ...]] = []
    for index, candidate in enumerate(group.candidates):
        label = text(
            "button_read_only" if read_only else "button_add", language, entry=candidate.entry
        )
        data = callback_data.encode(callback_data.CURATE, f"{token}.{_ADD_PREFIX}{index}")
        rows.append((Button(label, data),))
    rows.append(
        (
            Button(
                text("button_decline", language),
                callback_data.encode(callback_data.CURATE, f"{token}.{_DECLINE}"),
            ),
            Button(
                text("button_later", language),
                callback_data.encode(callback_data.CURATE, f"{token}.{_LATER}"),
            ),
        )
    )
    return tuple(rows)


def work_item_text(
    group: WorkGroup, language: str, keyboard: Keyboard = (), *, read_only: bool = False
) -> list[OutgoingMessage]:
    """One group of the work list: its count and example, similar questions, candidates."""
    head = text(
        "work_item_head",
        language,
        count=format_number(group.count, language),
        example=clip(group.example),
        lang=group.language,
    )
    blocks = [Block(head, BOLD)]
    if group.variants:
        similar = text("variants", language, count=format_number(len(group.variants), language))
        shown = " | ".join(clip(v, 80) for v in group.variants[:3])
        blocks.append(Block(f"{similar}: {shown}"))
    if group.candidates:
        lines = [text("work_candidates", language)] + [
            f"{number}. {candidate.entry}: {format_percent(candidate.confidence, language)}"
            for number, candidate in enumerate(group.candidates, start=1)
        ]
        blocks.append(Block("\n".join(lines)))
    else:
        blocks.append(Block(text("work_no_candidates", language)))
    if read_only:
        blocks.append(Block(text("work_read_only", language), ITALIC))
    return render_blocks(blocks, keyboard)


def edit_report(outcome: EditOutcome, language: str) -> list[OutgoingMessage]:
    """What an add or undo did (or why it did nothing), within one message."""
    values = {
        "entry": outcome.entry,
        "lang": outcome.language,
        "phrasing": clip(outcome.phrasing),
        "other": outcome.other or "",
        "file": outcome.edit.file if outcome.edit else "",
    }
    if not outcome.ok:
        key = f"refusal.{outcome.refusal}"
        refusal = text(key, language, **_wanted(key, language, values))
        problems = [clip(str(p)) for p in outcome.problems]
        if outcome.refusal in (CHECK_FAILED, RELOAD_FAILED) and problems:
            return render_list(Block(refusal), problems, _more(language))
        return _say(key, language, **_wanted(key, language, values))
    assert outcome.edit is not None
    key = "added" if outcome.action == ADD else "undone" if outcome.exact else "undone_kept"
    lines = [
        text(
            "hashes",
            language,
            file=outcome.edit.file,
            before=outcome.edit.before_sha256[:_HASH_SHOWN],
            after=outcome.edit.after_sha256[:_HASH_SHOWN],
        )
    ]
    if outcome.reload is not None:
        lines += [clip(line) for line in outcome.reload.summary(language).split("\n")]
    if outcome.assessed:
        lines.append("")
        if outcome.action == ADD:
            if outcome.reached == outcome.entry:
                reach = text("reaches", language, entry=outcome.entry)
            elif outcome.reached:
                reach = text(
                    "reaches_other", language, reached=outcome.reached, entry=outcome.entry
                )
            else:
                reach = text("reaches_none", language, entry=outcome.entry)
        elif outcome.reached:
            reach = text("undo_reaches", language, reached=outcome.reached)
        else:
            reach = text("undo_declined", language)
        lines.append(reach)
        if outcome.weakened:
            lines.append(text("weakened", language))
            for weak in outcome.weakened:
                reached = weak.reached or text("no_entry", language)
                lines.append(
                    f"• {weak.entry} [{weak.language}] “{clip(weak.phrasing, 120)}” → {reached}"
                )
        else:
            lines.append(text("weakened_none", language))
    done = text(
        "added" if outcome.action == ADD else "undone" if outcome.exact else "undone_kept",
        language,
        **_wanted(key, language, values),
    )
    head = Block(done, BOLD)
    return render_list(head, lines, _more(language))


def _wanted(key: str, language: str, values: dict[str, str]) -> dict[str, str]:
    """The values a text's placeholders name (the catalogue takes exactly those)."""
    templates = TEXTS.templates(key)
    template = templates.get(language) or templates["en"]
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    return {name: value for name, value in values.items() if name in names}


def edits_report(edits: Sequence[Edit], language: str) -> list[OutgoingMessage]:
    if not edits:
        return _say("edits_none", language)
    lines = []
    for edit in edits:
        action = text("edit_add" if edit.action == ADD else "edit_undo", language)
        undone = f" {text('edit_was_undone', language)}" if edit.undone_by else ""
        lines.append(
            f"#{edit.id} {edit.at.strftime('%Y-%m-%d %H:%M')} UTC · {edit.admin_id} · "
            f"{action} {edit.entry} [{edit.language}] “{clip(edit.phrasing, 120)}” · "
            f"{edit.before_sha256[:8]}→{edit.after_sha256[:8]}{undone}"
        )
    return render_list(Block(text("edits_title", language), BOLD), lines, _more(language))


def matching_blocks(matcher: Matcher, language: str) -> list[Block]:
    """The cross-validation of the serving base: how many phrasings reach their entry, and
    which entries are confused with which (the competing entry named), as ``bot check``."""
    calibration = matcher.calibration
    weak = weak_phrasings(matcher)
    title = text(
        "matching_title",
        language,
        reached=format_percent(calibration.reached, language),
        held_out=format_number(calibration.held_out, language),
        weak=format_number(len(weak), language),
    )
    blocks = [Block(title)]
    pairs = confusions(matcher)
    if pairs:
        lines = [text("confused_pairs", language)] + [
            f"{pair.entry} ↔ {pair.other}: {pair.times}/{pair.held_out}"
            for pair in pairs[:_CONFUSIONS_LISTED]
        ]
        blocks.append(Block("\n".join(lines)))
    return blocks


def _more(language: str) -> Callable[[int], str]:
    return lambda count: text("more", language, count=format_number(count, language))


def reload_report(outcome: ReloadOutcome, language: str) -> list[OutgoingMessage]:
    """The reload summary in one message: the first line bold, then as many lines as fit."""
    head, *lines = outcome.summary(language).split("\n")
    return render_list(Block(clip(head), BOLD), [clip(line) for line in lines], _more(language))


def stats_report(stats: Stats, language: str) -> list[OutgoingMessage]:
    """Totals, the answered rate, the last days, the languages and the most asked entries."""
    return render_blocks(stats_blocks(stats, language))


def stats_blocks(stats: Stats, language: str) -> list[Block]:
    if not stats.total:
        return [Block(text("no_questions", language, days=format_number(stats.days, language)))]

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
    return blocks


def unanswered_report(groups: Sequence[WorkGroup], language: str) -> list[OutgoingMessage]:
    """The work list in one message: each group with its best candidate entry."""
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
        best = group.candidates[0] if group.candidates else None
        if best is not None:
            line += f" → {best.entry} ({format_percent(best.confidence, language)})"
        if group.variants:
            similar = text("variants", language, count=format_number(len(group.variants), language))
            line += f" [{similar}]"
        lines.append(line)
    head = Block(text("unanswered_title", language), BOLD)
    return render_list(head, lines, _more(language))
