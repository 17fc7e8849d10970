"""``QuestionInsights``: what ``/stats`` and ``/unanswered`` show of one question log."""

from __future__ import annotations

import threading
from datetime import datetime

from bot.insights.chart import stats_chart_png
from bot.insights.grouping import QuestionGroup, group_questions
from bot.insights.spreadsheet import unanswered_csv
from bot.insights.statistics import Stats, question_stats
from bot.stores.question_log import QuestionLog


class QuestionInsights:
    """Statistics, grouped unanswered questions, the chart and the CSV of ``log``.

    Thread-safe (the admin commands call it from worker threads). The grouping is kept
    while no question was added or purged: /unanswered lists the groups and then sends
    them all as CSV, and the second reuses the first's work.
    """

    def __init__(self, log: QuestionLog) -> None:
        self.log = log
        self._lock = threading.Lock()
        self._grouped: tuple[tuple[int, int | None], list[QuestionGroup]] | None = None

    def stats(self, days: int = 30, now: datetime | None = None) -> Stats:
        """Questions per day, per language and per answered entry over the last ``days`` days."""
        return question_stats(self.log, days, now)

    def stats_chart_png(self, days: int = 30, now: datetime | None = None) -> bytes:
        """Questions per day, answered and unanswered stacked, as a PNG image."""
        return stats_chart_png(self.stats(days, now))

    def unanswered(self, limit: int | None = 20) -> list[QuestionGroup]:
        """Unanswered questions grouped by similarity, most frequent group first
        (``bot.insights.grouping.group_questions``)."""
        with self._lock:
            cached = self._grouped
        if cached is not None and cached[0] == self.log.unanswered_state():
            groups = cached[1]
        else:
            state, rows = self.log.unanswered_rows()
            groups = group_questions(rows)
            with self._lock:
                self._grouped = (state, groups)
        return list(groups) if limit is None else groups[:limit]

    def unanswered_csv(self) -> bytes:
        """Every unanswered group as CSV (``bot.insights.spreadsheet``)."""
        return unanswered_csv(self.unanswered(limit=None))
