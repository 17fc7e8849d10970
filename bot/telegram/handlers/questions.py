"""Questions typed in a chat: every text in a private chat, and in groups only what is
addressed to the bot (a mention, a reply to one of its messages). Other group chatter is
none of its business and gets no answer at all."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot, Message, MessageEntity, Update, User
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.logging_setup import private
from bot.stores.knowledge import Snapshot
from bot.telegram import pages
from bot.telegram.answers import Answer, Answerer
from bot.telegram.flood import Verdict
from bot.telegram.handlers.common import Languages, Target, send
from bot.telegram.render import valid_text

if TYPE_CHECKING:
    from bot.telegram.services import Services

log = logging.getLogger(__name__)

_NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits are not new questions


class QuestionFlow:
    """Flood guard, answer, send, record: the steps every question goes through."""

    def __init__(self, services: Services, languages: Languages) -> None:
        self._services = services
        self._languages = languages
        self._answerer = Answerer(services.conversations)

    async def admitted(self, bot: Bot, target: Target, user: User | None) -> bool:
        """Whether ``user`` may ask now; tells them once when they are asking too fast."""
        if user is None:
            return True
        verdict = self._services.flood_guard.check(user.id)
        if verdict is Verdict.REFUSE_AND_NOTIFY:
            log.info("flood guard: user %s is over %d questions a minute", private(user.id),
                     self._services.flood_guard.limit_per_minute)  # fmt: skip
            await send(bot, target, pages.text_page("flood", self._languages.ui(user)))
        return verdict is Verdict.ALLOW

    async def question(self, bot: Bot, target: Target, user: User | None, text: str) -> None:
        if not await self.admitted(bot, target, user):
            return
        snapshot = self._services.store.current  # once per update
        answer = self._answerer.ask(
            snapshot,
            text,
            chat_id=target.chat_id,
            language_hint=self._languages.hint(user),
            chosen_language=self._languages.chosen(user),
        )
        await self._deliver(bot, target, answer)

    async def entry(
        self, bot: Bot, target: Target, user: User | None, snapshot: Snapshot, entry_id: str
    ) -> bool:
        """Answer entry ``entry_id`` (a button, a deep link); False if the base lacks it."""
        if snapshot.kb.entries.get(entry_id) is None:
            return False
        if not await self.admitted(bot, target, user):
            return True
        memory = self._services.conversations.get(target.chat_id)
        language = (
            self._languages.chosen(user)
            or memory.conversation.language
            or self._languages.hint(user)
            or snapshot.kb.default_language
        )
        answer = self._answerer.ask_entry(
            snapshot, entry_id, chat_id=target.chat_id, language=language
        )
        if answer is None:
            return False
        await self._deliver(bot, target, answer)
        return True

    async def _deliver(self, bot: Bot, target: Target, answer: Answer) -> None:
        if answer.messages:
            await send(bot, target, answer.messages)
        try:
            await self._services.question_log.arecord(answer.reply)
        except Exception:  # the user has the answer; a full disk must not turn it into an error
            log.exception("could not record a question in the question log")


class Questions:
    """Handlers for typed questions in private chats and groups."""

    def __init__(self, flow: QuestionFlow, languages: Languages) -> None:
        self._flow = flow
        self._languages = languages

    def handlers(self) -> list[BaseHandler]:
        return [
            MessageHandler(
                _NEW_MESSAGES & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND,
                self.private_text,
            ),
            MessageHandler(
                _NEW_MESSAGES & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND,
                self.group_text,
            ),
            MessageHandler(
                _NEW_MESSAGES
                & filters.ChatType.PRIVATE
                & ~filters.TEXT
                & ~filters.StatusUpdate.ALL,
                self.not_text,
            ),
        ]

    async def private_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any text in a private chat is a question."""
        message = update.effective_message
        assert message is not None and message.text is not None
        question = valid_text(message.text)  # JSON can carry lone surrogates; nothing after can
        await self._flow.question(
            context.bot, Target.of_message(message), update.effective_user, question
        )

    async def group_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """In a group, answer only what is addressed to the bot."""
        message = update.effective_message
        assert message is not None
        question = addressed_question(message, context.bot)
        if question is None:
            return
        await self._flow.question(
            context.bot, Target.of_message(message), update.effective_user, question
        )

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A sticker, photo or voice note in a private chat: ask for text instead."""
        message = update.effective_message
        assert message is not None
        language = self._languages.ui(update.effective_user)
        await send(
            context.bot, Target.of_message(message), pages.text_page("empty_question", language)
        )


def addressed_question(message: Message, bot: Bot) -> str | None:
    """The question in a group message meant for the bot, without the @mention; None if the
    message is not for the bot (plain chatter, a reply to someone else, another bot's name)."""
    text = valid_text(message.text or "")
    replied = message.reply_to_message
    is_reply_to_bot = bool(replied and replied.from_user and replied.from_user.id == bot.id)
    handle = f"@{bot.username}".casefold() if bot.username else None
    # Entity offsets count UTF-16 code units. Read them from the text made valid (same
    # offsets): Message.parse_entities raises on a lone surrogate.
    units = text.encode("utf-16-le")
    mentions = []
    for entity in message.entities:
        if entity.type not in (MessageEntity.MENTION, MessageEntity.TEXT_MENTION):
            continue
        start = 2 * entity.offset
        value = units[start : start + 2 * entity.length].decode("utf-16-le", "replace")
        if (entity.type == MessageEntity.MENTION and value.casefold() == handle) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id
        ):
            mentions.append(value)
    if not mentions and not is_reply_to_bot:
        return None
    for value in mentions:
        text = text.replace(value, " ", 1)
    return " ".join(text.split()).strip(" ,:;")
