"""The /stats chart is a PNG image, with questions or without."""

from __future__ import annotations

import struct
from datetime import timedelta

from bot.insights.questions import QuestionInsights
from bot.stores.question_log import QuestionLog
from tests.bot.logged_questions import NOW, answered, unanswered


def test_stats_chart_is_a_decodable_png(qlog: QuestionLog) -> None:
    for day in range(10):
        for _ in range(day % 3):
            qlog.record(answered("q", "companies-nrw"), NOW - timedelta(days=day))
        qlog.record(unanswered("u"), NOW - timedelta(days=day))

    png = QuestionInsights(qlog).stats_chart_png(days=30)

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 400 and height >= 200
    assert png[-8:-4] == b"IEND"


def test_chart_of_an_empty_log_still_renders(qlog: QuestionLog) -> None:
    assert QuestionInsights(qlog).stats_chart_png(days=30)[:8] == b"\x89PNG\r\n\x1a\n"
