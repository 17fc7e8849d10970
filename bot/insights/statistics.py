"""Questions per day, per language and per answered entry, over a window of days."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType

from bot.stores.question_log import QuestionLog, as_utc


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    answered: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.answered + self.unanswered


@dataclass(frozen=True, slots=True)
class LanguageCount:
    answered: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.answered + self.unanswered


@dataclass(frozen=True, slots=True)
class Stats:
    """Aggregates over the last ``days`` days (today included), for ``/stats``."""

    days: int
    per_day: tuple[DayCount, ...]  # every day of the window, oldest first, zeros included
    per_language: Mapping[str, LanguageCount]  # most questions first
    top_entries: tuple[tuple[str, int], ...]  # answered entries, most asked first
    did_you_mean: int = 0

    @property
    def total(self) -> int:
        return sum(d.total for d in self.per_day)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.per_day)

    @property
    def answered_rate(self) -> float | None:
        """Share of questions answered, 0..1; None when nobody asked anything."""
        return self.answered / self.total if self.total else None


def question_stats(log: QuestionLog, days: int = 30, now: datetime | None = None) -> Stats:
    """The ``Stats`` of ``log`` over the last ``days`` days up to ``now`` (the log's clock)."""
    log.purge_if_due()
    today = (as_utc(now) if now is not None else log.now()).date()
    first = today - timedelta(days=days - 1)
    by_day: dict[str, list[int]] = {}
    by_language: dict[str, list[int]] = {}
    entries: Counter[str] = Counter()
    did_you_mean = 0
    for day, language, kind, answered, entry, count in log.daily_counts(first, today):
        slot = 0 if answered else 1
        by_day.setdefault(day, [0, 0])[slot] += count
        by_language.setdefault(language, [0, 0])[slot] += count
        if answered and entry:
            entries[entry] += count
        if kind == "did_you_mean":
            did_you_mean += count
    per_day = tuple(
        DayCount(d, *by_day.get(d.isoformat(), (0, 0)))
        for d in (first + timedelta(days=i) for i in range(days))
    )
    languages = sorted(by_language.items(), key=lambda item: (-sum(item[1]), item[0]))
    return Stats(
        days=days,
        per_day=per_day,
        per_language=MappingProxyType({lang: LanguageCount(*c) for lang, c in languages}),
        top_entries=tuple(sorted(entries.items(), key=lambda item: (-item[1], item[0]))),
        did_you_mean=did_you_mean,
    )
