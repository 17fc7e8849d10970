"""Questions per day, per language and per entry, as /stats shows them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.insights.statistics import question_stats
from bot.stores.question_log import QuestionLog
from intents.reply import DID_YOU_MEAN
from tests.bot.logged_questions import NOW, answered, unanswered


def test_stats_per_day_language_answered_rate_and_top_entries(qlog: QuestionLog) -> None:
    yesterday = NOW - timedelta(days=1)
    qlog.record(answered("a", "companies-nrw"), yesterday)
    qlog.record(answered("b", "companies-nrw", "de"))
    qlog.record(answered("c", "residents-nrw", "ja"))
    qlog.record(unanswered("d", "ja"))
    qlog.record(unanswered("e", kind=DID_YOU_MEAN))

    stats = question_stats(qlog, 7)

    assert [d.day for d in stats.per_day] == [
        date(2024, 5, 14) + timedelta(days=i) for i in range(7)
    ]
    assert [(d.answered, d.unanswered) for d in stats.per_day[-2:]] == [(1, 0), (2, 2)]
    assert sum(d.total for d in stats.per_day[:-2]) == 0
    assert stats.total == 5
    assert stats.answered_rate == pytest.approx(3 / 5)
    assert stats.top_entries == (("companies-nrw", 2), ("residents-nrw", 1))
    assert {lang: (c.answered, c.unanswered) for lang, c in stats.per_language.items()} == {
        "en": (1, 1),
        "de": (1, 0),
        "ja": (1, 1),
    }
    assert stats.did_you_mean == 1


def test_stats_of_a_quiet_period_have_no_rate(qlog: QuestionLog) -> None:
    stats = question_stats(qlog, 30)
    assert stats.total == 0 and stats.answered_rate is None and len(stats.per_day) == 30
