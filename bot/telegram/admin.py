"""Admin commands: ``/reload``, ``/stats``, ``/unanswered`` (the curator's work list, with its
buttons), ``/undo`` and ``/edits``.

Who is an admin is decided by numeric Telegram user id only (``ADMIN_IDS``): usernames can
be changed or taken over, ids cannot. Everyone else is refused politely in their language,
in private chats, groups and edited messages alike, and the attempt is logged by id.

Admin output quotes what other people asked, so it is only given in a private chat with
the admin; in a group an admin is asked to write privately instead.

The work list's buttons carry a token into a work item stored server-side
(``bot.curation.edit_log``) and an action, never an entry id: a press is checked to come
from an admin, and from the admin the item was shown to, before anything is done. What the
buttons do is ``bot.curation.curator.Curator``'s, shared with ``python -m bot curate``.
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
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.curation.curator import ADD, CHECK_FAILED, RELOAD_FAILED, EditOutcome, WorkGroup
from bot.curation.edit_log import Edit
from bot.logging_setup import private
from bot.stores.knowledge import ReloadOutcome
from bot.stores.question_log import Stats
from bot.telegram import callback_data
from bot.telegram.render import Button, utf16_length
from intents.diagnostics import Confusion, weak_phrasings
from intents.matcher import Matcher

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


# -- Curation texts (issue 14: the curator's loop) ---------------------------------------
# One block, so the text catalogue can take these keys over as they are.
_CURATION_TEXTS: dict[str, dict[str, str]] = {
    "work_item_head": {
        "en": "{count} × “{example}” ({lang})",
        "de": "{count} × „{example}“ ({lang})",
        "ja": "{count}件：「{example}」（{lang}）",
    },
    "work_candidates": {
        "en": "Candidate entries (calibrated confidence):",
        "de": "Mögliche Einträge (kalibrierte Konfidenz):",
        "ja": "候補のエントリー（較正済みの確信度）：",
    },
    "work_no_candidates": {
        "en": "No entry comes close. If the base should answer this, it needs a new entry.",
        "de": "Kein Eintrag passt. Soll die Basis dies beantworten, braucht sie einen neuen "
        "Eintrag.",
        "ja": "近いエントリーはありません。回答すべき質問であれば、新しいエントリーが必要です。",
    },
    "work_read_only": {
        "en": "The knowledge base directory is read-only, so nothing can be added from here.",
        "de": "Das Verzeichnis der Wissensbasis ist schreibgeschützt; von hier aus kann nichts "
        "ergänzt werden.",
        "ja": "ナレッジベースのディレクトリは読み取り専用のため、ここからは追加できません。",
    },
    "button_add": {
        "en": "Add as a phrasing of {entry}",
        "de": "Als Formulierung von {entry} aufnehmen",
        "ja": "{entry} の言い回しとして追加",
    },
    "button_read_only": {
        "en": "Read-only: cannot add to {entry}",
        "de": "Schreibgeschützt: {entry} nicht änderbar",
        "ja": "読み取り専用：{entry} に追加できません",
    },
    "button_decline": {
        "en": "Not on file, keep declining",
        "de": "Nicht in der Basis, weiter ablehnen",
        "ja": "情報なし、今後も回答しない",
    },
    "button_later": {
        "en": "Later",
        "de": "Später",
        "ja": "後で",
    },
    "declined": {
        "en": "Marked as not on file: the bot keeps declining “{example}”, and it no longer "
        "appears in /unanswered.",
        "de": "Als nicht in der Basis markiert: Der Bot lehnt „{example}“ weiter ab, und die "
        "Frage erscheint nicht mehr in /unanswered.",
        "ja": "「{example}」を情報なしとして記録しました。今後も回答せず、/unanswered "
        "にも表示されません。",
    },
    "later": {
        "en": "Kept for later: it comes back with the next /unanswered.",
        "de": "Für später vorgemerkt: Die Frage erscheint beim nächsten /unanswered wieder.",
        "ja": "後で対応します。次回の /unanswered で再び表示されます。",
    },
    "stale_button": {
        "en": "This button is no longer valid. Please send /unanswered again.",
        "de": "Diese Schaltfläche ist nicht mehr gültig. Bitte senden Sie /unanswered erneut.",
        "ja": "このボタンは無効になりました。もう一度 /unanswered を送ってください。",
    },
    "adding": {
        "en": "Checking and adding…",
        "de": "Wird geprüft und ergänzt…",
        "ja": "確認して追加しています…",
    },
    "added": {
        "en": "Added to {entry} ({lang}) in {file}: “{phrasing}”",
        "de": "In {entry} ({lang}) in {file} aufgenommen: „{phrasing}“",
        "ja": "{file} の {entry}（{lang}）に追加しました：「{phrasing}」",
    },
    "undone": {
        "en": "Undone: “{phrasing}” is no longer a phrasing of {entry} ({lang}); {file} "
        "is as it was before.",
        "de": "Rückgängig gemacht: „{phrasing}“ ist keine Formulierung von {entry} ({lang}) "
        "mehr; {file} ist wieder wie zuvor.",
        "ja": "元に戻しました：「{phrasing}」は {entry}（{lang}）の言い回しではなくなり、"
        "{file} は以前の状態に戻りました。",
    },
    "hashes": {
        "en": "File {file}: SHA-256 {before} → {after}",
        "de": "Datei {file}: SHA-256 {before} → {after}",
        "ja": "ファイル {file}：SHA-256 {before} → {after}",
    },
    "reaches": {
        "en": "Asked now, this question gets the answer of {entry}.",
        "de": "Wer diese Frage jetzt stellt, erhält die Antwort von {entry}.",
        "ja": "この質問には今後 {entry} の回答が返ります。",
    },
    "reaches_other": {
        "en": "Asked now, this question gets the answer of {reached}, not {entry}: it needs "
        "more phrasings like it.",
        "de": "Wer diese Frage jetzt stellt, erhält die Antwort von {reached}, nicht {entry}: "
        "Es braucht weitere ähnliche Formulierungen.",
        "ja": "この質問には現在 {entry} ではなく {reached} の回答が返ります。"
        "似た言い回しをさらに追加してください。",
    },
    "reaches_none": {
        "en": "Asked now, this question is still declined: {entry} needs more phrasings like it.",
        "de": "Diese Frage wird weiterhin abgelehnt: {entry} braucht weitere ähnliche "
        "Formulierungen.",
        "ja": "この質問にはまだ回答できません。{entry} に似た言い回しをさらに追加してください。",
    },
    "undo_reaches": {
        "en": "Asked now, this question gets the answer of {reached}.",
        "de": "Wer diese Frage jetzt stellt, erhält die Antwort von {reached}.",
        "ja": "この質問には現在 {reached} の回答が返ります。",
    },
    "undo_declined": {
        "en": "Asked now, this question is declined again.",
        "de": "Diese Frage wird jetzt wieder abgelehnt.",
        "ja": "この質問には再び回答しないようになりました。",
    },
    "weakened_none": {
        "en": "No other entry's phrasings got weaker.",
        "de": "Die Formulierungen anderer Einträge sind nicht schwächer geworden.",
        "ja": "他のエントリーの言い回しは弱くなっていません。",
    },
    "weakened": {
        "en": "These phrasings of other entries no longer reach their entry (cross-validation):",
        "de": "Diese Formulierungen anderer Einträge erreichen ihren Eintrag nicht mehr "
        "(Kreuzvalidierung):",
        "ja": "次の他のエントリーの言い回しは、自分のエントリーに届かなくなりました（交差検証）：",
    },
    "no_entry": {
        "en": "no entry",
        "de": "kein Eintrag",
        "ja": "該当なし",
    },
    "refused_unknown_entry": {
        "en": "The entry {entry} is not in the base (any more). Nothing was written.",
        "de": "Den Eintrag {entry} gibt es in der Basis nicht (mehr). Es wurde nichts "
        "geschrieben.",
        "ja": "エントリー {entry} はベースにありません。何も書き込んでいません。",
    },
    "refused_unknown_language": {
        "en": "The base has no language {lang}. Nothing was written.",
        "de": "Die Basis hat keine Sprache {lang}. Es wurde nichts geschrieben.",
        "ja": "ベースに言語 {lang} はありません。何も書き込んでいません。",
    },
    "refused_empty_phrasing": {
        "en": "The question is empty. Nothing was written.",
        "de": "Die Frage ist leer. Es wurde nichts geschrieben.",
        "ja": "質問が空です。何も書き込んでいません。",
    },
    "refused_too_long": {
        "en": "The question is too long to be a phrasing. Nothing was written.",
        "de": "Die Frage ist zu lang für eine Formulierung. Es wurde nichts geschrieben.",
        "ja": "質問が長すぎるため言い回しにできません。何も書き込んでいません。",
    },
    "refused_already_there": {
        "en": "“{phrasing}” is already a phrasing of {other}. Nothing was written.",
        "de": "„{phrasing}“ ist bereits eine Formulierung von {other}. Es wurde nichts "
        "geschrieben.",
        "ja": "「{phrasing}」はすでに {other} の言い回しです。何も書き込んでいません。",
    },
    "refused_read_only": {
        "en": "The knowledge base directory is read-only. Nothing was written.",
        "de": "Das Verzeichnis der Wissensbasis ist schreibgeschützt. Es wurde nichts "
        "geschrieben.",
        "ja": "ナレッジベースのディレクトリは読み取り専用です。何も書き込んでいません。",
    },
    "refused_check_failed": {
        "en": "With this edit the base would not pass the checks, so nothing was written:",
        "de": "Mit dieser Änderung bestünde die Basis die Prüfungen nicht; es wurde nichts "
        "geschrieben:",
        "ja": "この変更ではベースがチェックに通らないため、何も書き込んでいません：",
    },
    "refused_nothing_to_undo": {
        "en": "You have no edit left to undo.",
        "de": "Sie haben keine Änderung, die sich rückgängig machen ließe.",
        "ja": "元に戻せる変更はありません。",
    },
    "refused_not_editable": {
        "en": "The file of {entry} cannot be rewritten safely from here; please edit it by "
        "hand. Nothing was written.",
        "de": "Die Datei von {entry} lässt sich von hier aus nicht sicher ändern; bitte "
        "bearbeiten Sie sie von Hand. Es wurde nichts geschrieben.",
        "ja": "{entry} のファイルはここから安全に書き換えられません。手作業で編集してください。"
        "何も書き込んでいません。",
    },
    "refused_reload_failed": {
        "en": "The bot could not load the edited base, so the file was restored:",
        "de": "Der Bot konnte die geänderte Basis nicht laden; die Datei wurde "
        "wiederhergestellt:",
        "ja": "変更後のベースを読み込めなかったため、ファイルを元に戻しました：",
    },
    "edits_title": {
        "en": "Latest edits of the base (newest first):",
        "de": "Letzte Änderungen der Basis (neueste zuerst):",
        "ja": "ベースの最近の変更（新しい順）：",
    },
    "edits_none": {
        "en": "No edits recorded yet.",
        "de": "Noch keine Änderungen erfasst.",
        "ja": "記録された変更はまだありません。",
    },
    "edit_add": {
        "en": "added",
        "de": "aufgenommen",
        "ja": "追加",
    },
    "edit_undo": {
        "en": "undone",
        "de": "rückgängig",
        "ja": "取り消し",
    },
    "edit_was_undone": {
        "en": "(undone later)",
        "de": "(später rückgängig gemacht)",
        "ja": "（後で取り消し済み）",
    },
    "matching_title": {
        "en": "Cross-validation: {reached:.0%} of {held_out} held-out phrasings reach their "
        "entry; {weak} weak.",
        "de": "Kreuzvalidierung: {reached:.0%} von {held_out} zurückgehaltenen Formulierungen "
        "erreichen ihren Eintrag; {weak} schwach.",
        "ja": "交差検証：除外した言い回し{held_out}件のうち{reached:.0%}が自分のエントリーに"
        "届きます（弱い言い回し{weak}件）。",
    },
    "confused_pairs": {
        "en": "Entries confused with each other (held-out phrasings reaching the other):",
        "de": "Miteinander verwechselte Einträge (zurückgehaltene Formulierungen, die den "
        "anderen erreichen):",
        "ja": "互いに取り違えられるエントリー（相手に届いた除外言い回しの件数）：",
    },
}
_TEXTS.update(_CURATION_TEXTS)


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


class _CurationButtons(CallbackQueryHandler):  # type: ignore[type-arg]
    """The work list's buttons only. python-telegram-bot lets a query without data through
    any pattern (neither data nor a game name: a match); such a query is the general button
    handler's to refuse, not an admin's."""

    def check_update(self, update: object) -> bool | object | None:
        query = update.callback_query if isinstance(update, Update) else None
        if query is None or not query.data:
            return None
        return super().check_update(update)


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
        question_log = self._services.question_log
        stats = await asyncio.to_thread(question_log.stats, _STATS_DAYS_CHARTED)
        report = stats_report(stats, language)
        matching = matching_report(self._services.store.current.responder.matcher, language)
        await message.reply_text(f"{report}\n\n{matching}", parse_mode=ParseMode.HTML)
        if stats.total:
            # Rendering takes a moment (matplotlib); a worker thread keeps the bot answering.
            chart = await asyncio.to_thread(question_log.stats_chart_png, _STATS_DAYS_CHARTED)
            await message.reply_photo(
                photo=chart,
                filename="stats.png",
                caption=_text("chart_caption", language, days=_STATS_DAYS_CHARTED),
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
        question_log = self._services.question_log
        curator = self._services.curator
        groups = await asyncio.to_thread(question_log.unanswered, None)
        work = await asyncio.to_thread(curator.work_list, groups, _UNANSWERED_LISTED)
        if not work:
            await message.reply_text(_text("unanswered_none", language))
            return
        await message.reply_text(unanswered_report(work, language), parse_mode=ParseMode.HTML)
        # Here, not at the top: bot.telegram.handlers imports this module.
        from bot.telegram.handlers.common import keyboard_markup

        read_only = await asyncio.to_thread(curator.read_only)
        for group in work[:_WORK_ITEMS_SHOWN]:
            token = await asyncio.to_thread(curator.issue, group, user.id)
            await message.reply_text(
                work_item_text(group, language, read_only=read_only),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard_markup(work_item_keyboard(group, token, language, read_only)),
            )
        data = await asyncio.to_thread(question_log.unanswered_csv)
        day = datetime.now(UTC).date().isoformat()
        await message.reply_document(
            document=data,
            filename=f"unanswered-{day}.csv",
            caption=_text("unanswered_caption", language),
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
        await message.reply_text(edit_report(outcome, language), parse_mode=ParseMode.HTML)

    async def edits(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """/edits: the edit log, newest first."""
        if not await self._allowed(update, "edits"):
            return
        message = update.effective_message
        assert message is not None
        language = self._language(update)
        edits = await asyncio.to_thread(self._services.curator.edits, _EDITS_LISTED)
        await message.reply_text(edits_report(edits, language), parse_mode=ParseMode.HTML)

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
            await query.answer(_text("refused", language), show_alert=True)
            return
        parsed = _parse_action(query.data)
        curator = self._services.curator
        item = await asyncio.to_thread(curator.item, parsed[0], user.id) if parsed else None
        if parsed is None or item is None or query.message is None:
            log.info("admin %s pressed a curation button that is no longer valid", user.id)
            await query.answer(_text("stale_button", language), show_alert=True)
            return
        action = parsed[1]
        if action == _LATER:
            await query.answer(_text("later", language))
            await _drop_keyboard(query)
            return
        if action == _DECLINE:
            await asyncio.to_thread(curator.decline, item, user.id)
            log.info("admin %s marked a group of questions as not on file", user.id)
            await query.answer()
            await _drop_keyboard(query)
            await context.bot.send_message(
                query.message.chat.id,
                html.escape(_text("declined", language, example=clip(item.question))),
                parse_mode=ParseMode.HTML,
            )
            return
        index = int(action[len(_ADD_PREFIX) :])
        if index >= len(item.candidates):
            await query.answer(_text("stale_button", language), show_alert=True)
            return
        entry = item.candidates[index]
        await query.answer(_text("adding", language))
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
        await context.bot.send_message(
            query.message.chat.id, edit_report(outcome, language), parse_mode=ParseMode.HTML
        )


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


def work_item_keyboard(
    group: WorkGroup, token: str, language: str, read_only: bool
) -> tuple[tuple[Button, ...], ...]:
    """One row per candidate ("Add as a phrasing of ..."), then decline and later."""
    rows: list[tuple[Button, ...]] = []
    for index, candidate in enumerate(group.candidates):
        key = "button_read_only" if read_only else "button_add"
        label = _text(key, language, entry=candidate.entry)
        data = callback_data.encode(callback_data.CURATE, f"{token}.{_ADD_PREFIX}{index}")
        rows.append((Button(label, data),))
    rows.append(
        (
            Button(
                _text("button_decline", language),
                callback_data.encode(callback_data.CURATE, f"{token}.{_DECLINE}"),
            ),
            Button(
                _text("button_later", language),
                callback_data.encode(callback_data.CURATE, f"{token}.{_LATER}"),
            ),
        )
    )
    return tuple(rows)


def work_item_text(group: WorkGroup, language: str, *, read_only: bool = False) -> str:
    head = _text(
        "work_item_head",
        language,
        count=group.count,
        example=clip(group.example),
        lang=group.language,
    )
    lines = [f"<b>{html.escape(head)}</b>"]
    if group.variants:
        similar = _text("variants", language, count=len(group.variants))
        shown = " | ".join(clip(v, 80) for v in group.variants[:3])
        lines.append(html.escape(f"{similar}: {shown}"))
    if group.candidates:
        lines.append(html.escape(_text("work_candidates", language)))
        for number, candidate in enumerate(group.candidates, start=1):
            lines.append(f"{number}. {html.escape(candidate.entry)}: {candidate.confidence:.0%}")
    else:
        lines.append(html.escape(_text("work_no_candidates", language)))
    if read_only:
        lines.append(f"<i>{html.escape(_text('work_read_only', language))}</i>")
    return "\n".join(lines)


def edit_report(outcome: EditOutcome, language: str) -> str:
    """What an add or undo did (or why it did nothing), as HTML within one message."""
    values = {
        "entry": outcome.entry,
        "lang": outcome.language,
        "phrasing": clip(outcome.phrasing),
        "other": outcome.other or "",
        "file": outcome.edit.file if outcome.edit else "",
    }
    if not outcome.ok:
        head = html.escape(_text(f"refused_{outcome.refusal}", language, **values))
        lines = [html.escape(clip(str(p))) for p in outcome.problems]
        if outcome.refusal in (CHECK_FAILED, RELOAD_FAILED) and lines:
            return fit_lines(head, lines, html.escape(_template("more", language)))
        return head
    assert outcome.edit is not None
    key = "added" if outcome.action == ADD else "undone"
    lines = [f"<b>{html.escape(_text(key, language, **values))}</b>"]
    lines.append(
        html.escape(
            _text(
                "hashes",
                language,
                file=outcome.edit.file,
                before=outcome.edit.before_sha256[:_HASH_SHOWN],
                after=outcome.edit.after_sha256[:_HASH_SHOWN],
            )
        )
    )
    if outcome.reload is not None:
        lines += [html.escape(clip(line)) for line in outcome.reload.summary(language).split("\n")]
    if outcome.assessed:
        lines.append("")
        if outcome.action == ADD:
            if outcome.reached == outcome.entry:
                reach = _text("reaches", language, **values)
            elif outcome.reached:
                reach = _text("reaches_other", language, reached=outcome.reached, **values)
            else:
                reach = _text("reaches_none", language, **values)
        elif outcome.reached:
            reach = _text("undo_reaches", language, reached=outcome.reached)
        else:
            reach = _text("undo_declined", language)
        lines.append(html.escape(reach))
        if outcome.weakened:
            lines.append(html.escape(_text("weakened", language)))
            for weak in outcome.weakened:
                reached = weak.reached or _text("no_entry", language)
                lines.append(
                    html.escape(
                        f"• {weak.entry} [{weak.language}] “{clip(weak.phrasing, 120)}” → {reached}"
                    )
                )
        else:
            lines.append(html.escape(_text("weakened_none", language)))
    return fit_lines(lines[0], lines[1:], html.escape(_template("more", language)))


def edits_report(edits: Sequence[Edit], language: str) -> str:
    if not edits:
        return html.escape(_text("edits_none", language))
    lines = []
    for edit in edits:
        action = _text("edit_add" if edit.action == ADD else "edit_undo", language)
        undone = f" {_text('edit_was_undone', language)}" if edit.undone_by else ""
        lines.append(
            html.escape(
                f"#{edit.id} {edit.at.strftime('%Y-%m-%d %H:%M')} UTC · {edit.admin_id} · "
                f"{action} {edit.entry} [{edit.language}] “{clip(edit.phrasing, 120)}” · "
                f"{edit.before_sha256[:8]}→{edit.after_sha256[:8]}{undone}"
            )
        )
    head = f"<b>{html.escape(_text('edits_title', language))}</b>"
    return fit_lines(head, lines, html.escape(_template("more", language)))


def matching_report(matcher: Matcher, language: str) -> str:
    """The cross-validation of the serving base: how many phrasings reach their entry, and
    which entries are confused with which (the competing entry named), as ``bot check``."""
    from intents.diagnostics import confusions

    calibration = matcher.calibration
    weak = weak_phrasings(matcher)
    lines = [
        html.escape(
            _text(
                "matching_title",
                language,
                reached=calibration.reached,
                held_out=calibration.held_out,
                weak=len(weak),
            )
        )
    ]
    pairs: list[Confusion] = confusions(matcher)
    if pairs:
        lines.append(html.escape(_text("confused_pairs", language)))
        for pair in pairs[:_CONFUSIONS_LISTED]:
            lines.append(
                html.escape(f"{pair.entry} ↔ {pair.other}: {pair.times}/{pair.held_out}")
            )
    return "\n".join(lines)


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


def unanswered_report(groups: Sequence[WorkGroup], language: str) -> str:
    lines = []
    for number, group in enumerate(groups, start=1):
        best = group.candidates[0] if group.candidates else None
        candidate = (
            f" → {html.escape(best.entry)} ({best.confidence:.0%})" if best is not None else ""
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
