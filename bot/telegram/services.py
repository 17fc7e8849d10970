"""Everything the handlers depend on, built once and passed in (no module globals).

``Services.create(settings)`` loads the knowledge base (raising ``KnowledgeError`` when it
is broken, so the bot refuses to start rather than answer from nothing) and opens the
stores under ``DATA_DIR``; ``close()`` releases them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from bot.config import Settings
from bot.curation.curator import Curator
from bot.insights.questions import QuestionInsights
from bot.stores.journal import UpdateJournal
from bot.stores.knowledge import KnowledgeStore
from bot.stores.models import ModelFiles
from bot.stores.preferences import Preferences
from bot.stores.question_log import QuestionLog
from bot.telegram.conversations import Conversations
from bot.telegram.flood import FloodGuard

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    store: KnowledgeStore
    question_log: QuestionLog
    preferences: Preferences
    conversations: Conversations
    flood_guard: FloodGuard
    journal: UpdateJournal
    curator: Curator

    @classmethod
    def create(cls, settings: Settings) -> Services:
        store = KnowledgeStore(  # KnowledgeError when broken
            settings.knowledge_dir,
            models=ModelFiles.in_data_dir(settings.data_dir),
            remembered_replies=settings.remembered_replies,
        )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        question_log = QuestionLog.in_directory(
            settings.data_dir, settings.analytics_retention_days
        )
        try:
            preferences = Preferences(settings.data_dir)
        except BaseException:
            question_log.close()
            raise
        try:
            journal = UpdateJournal(settings.data_dir)
        except BaseException:
            question_log.close()
            preferences.close()
            raise
        try:
            curator = Curator.for_data_dir(
                settings.knowledge_dir,
                settings.data_dir,
                store=store,
                retention_days=settings.analytics_retention_days,
            )
        except BaseException:
            question_log.close()
            preferences.close()
            journal.close()
            raise
        return cls(
            settings=settings,
            store=store,
            question_log=question_log,
            preferences=preferences,
            conversations=Conversations(),
            flood_guard=FloodGuard(settings.flood_limit_per_minute),
            journal=journal,
            curator=curator,
        )

    @cached_property
    def insights(self) -> QuestionInsights:
        """What the admin commands show of the question log."""
        return QuestionInsights(self.question_log)

    def close(self) -> None:
        for name, resource in (
            ("question log", self.question_log),
            ("preferences", self.preferences),
            ("update journal", self.journal),
            ("curation log", self.curator),
        ):
            try:
                resource.close()
            except Exception:  # closing the one must not keep the other open
                log.exception("could not close the %s", name)
