"""Telegram handlers: thin classes constructed with ``Services``, registered in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import BaseHandler

from bot.telegram.admin import AdminCommands
from bot.telegram.handlers.buttons import Buttons
from bot.telegram.handlers.commands import PUBLIC_COMMANDS, InfoCommands
from bot.telegram.handlers.common import Languages
from bot.telegram.handlers.errors import ErrorReporter
from bot.telegram.handlers.flood_gate import GATE_GROUP, FloodGate
from bot.telegram.handlers.inline import InlineQueries
from bot.telegram.handlers.questions import QuestionFlow, Questions

if TYPE_CHECKING:
    from bot.telegram.services import Services

__all__ = ["GATE_GROUP", "PUBLIC_COMMANDS", "ErrorReporter", "Handlers"]


class Handlers:
    """Every handler of the bot, in the order they are tried."""

    def __init__(self, services: Services) -> None:
        languages = Languages(services.preferences)
        flow = QuestionFlow(services, languages)
        commands = InfoCommands(services, flow, languages)
        self._groups: list[list[BaseHandler]] = [
            AdminCommands(services, languages).handlers(),
            commands.handlers(),
            Buttons(services, flow, languages).handlers(),
            InlineQueries(services, languages).handlers(),
            Questions(flow, languages).handlers(),
            commands.fallback_handlers(),
        ]
        self.error_reporter = ErrorReporter(languages)
        # Runs before all of them (group GATE_GROUP), for every kind of update.
        self.flood_gate = FloodGate(services.settings.flood_limit_per_minute, languages)

    def all(self) -> list[BaseHandler]:
        return [handler for group in self._groups for handler in group]
