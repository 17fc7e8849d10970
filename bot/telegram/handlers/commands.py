"""The public commands: /start (with deep links), /help, /topics, /facts, /quotes,
/companies, /source and /language. Each reads the current base once and shows a page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.telegram import pages
from bot.telegram.handlers.common import Languages, Target, send
from bot.telegram.handlers.questions import QuestionFlow
from bot.telegram.render import OutgoingMessage

if TYPE_CHECKING:
    from bot.telegram.services import Services

# Command name -> shown in the menus (setMyCommands) in this order.
PUBLIC_COMMANDS = ("start", "help", "topics", "facts", "quotes", "companies", "source", "language")


class InfoCommands:
    def __init__(self, services: Services, flow: QuestionFlow, languages: Languages) -> None:
        self._services = services
        self._flow = flow
        self._languages = languages

    def handlers(self) -> list[BaseHandler]:
        new_messages = filters.UpdateType.MESSAGE
        return [
            CommandHandler("start", self.start, filters=new_messages),
            CommandHandler("help", self.help, filters=new_messages),
            CommandHandler("topics", self.topics, filters=new_messages),
            CommandHandler("facts", self.facts, filters=new_messages),
            CommandHandler("quotes", self.quotes, filters=new_messages),
            CommandHandler("companies", self.companies, filters=new_messages),
            CommandHandler("source", self.source, filters=new_messages),
            CommandHandler("language", self.language, filters=new_messages),
        ]

    def fallback_handlers(self) -> list[BaseHandler]:
        """Registered after every other command: an unknown /command in a private chat."""
        return [
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.COMMAND,
                self.help,
            )
        ]

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greeting with example questions; ``/start <entry id>`` (a deep link) answers it."""
        message = update.effective_message
        assert message is not None
        target = Target.of_message(message)
        snapshot = self._services.store.current
        if context.args:
            payload = context.args[0]
            if await self._flow.entry(
                context.bot, target, update.effective_user, snapshot, payload
            ):
                return
        language = self._languages.ui(update.effective_user)
        await send(context.bot, target, pages.start_page(snapshot.kb, language))

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """How to ask, and the commands."""
        await self._show(update, context, pages.help_page(self._ui(update), context.bot.username))

    async def topics(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """What the bot can answer, as topic buttons."""
        kb = self._services.store.current.kb
        await self._show(update, context, pages.topics_page(kb, self._ui(update)))

    async def facts(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The key figures."""
        kb = self._services.store.current.kb
        await self._show(update, context, pages.facts_page(kb, self._ui(update)))

    async def quotes(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The quotes with their speakers."""
        kb = self._services.store.current.kb
        await self._show(update, context, pages.quotes_page(kb, self._ui(update)))

    async def companies(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The companies the source names."""
        kb = self._services.store.current.kb
        await self._show(update, context, pages.companies_page(kb, self._ui(update)))

    async def source(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The source's title, date and publishers, and the excerpt behind the last answer."""
        kb = self._services.store.current.kb
        chat = update.effective_chat
        memory = self._services.conversations.get(chat.id) if chat else None
        last = memory.last_sources if memory else ()
        await self._show(update, context, pages.source_page(kb, self._ui(update), last))

    async def language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Buttons to choose the reply language."""
        user = update.effective_user
        menu = pages.language_menu(self._ui(update), self._languages.chosen(user))
        await self._show(update, context, menu)

    def _ui(self, update: Update) -> str:
        return self._languages.ui(update.effective_user)

    async def _show(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, messages: list[OutgoingMessage]
    ) -> None:
        message = update.effective_message
        assert message is not None
        await send(context.bot, Target.of_message(message), messages)
