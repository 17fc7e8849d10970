"""The unanswered questions as CSV: a header, proper quoting, Japanese that opens in Excel."""

from __future__ import annotations

import csv
import io

from bot.insights.questions import QuestionInsights
from bot.stores.question_log import QuestionLog
from tests.bot.logged_questions import unanswered


def test_csv_has_a_header_quotes_properly_and_opens_japanese_in_excel(qlog: QuestionLog) -> None:
    awkward = 'Steuern, "Gebühren"\nund mehr?'
    qlog.record(unanswered(awkward, "de"))
    qlog.record(unanswered("日本人学校はありますか", "ja", candidate=None))
    qlog.record(unanswered("日本人学校はありますか", "ja", candidate=None))

    data = QuestionInsights(qlog).unanswered_csv()

    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark Excel looks for
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [
        "count",
        "question",
        "languages",
        "best_candidate",
        "best_score",
        "last_asked_utc",
        "variants",
    ]
    assert rows[1][:4] == ["2", "日本人学校はありますか", "ja", ""]
    assert rows[2][:4] == ["1", awkward, "de", "companies-nrw"]
    assert len(rows) == 3


def test_csv_of_an_empty_log_is_just_the_header(qlog: QuestionLog) -> None:
    data = QuestionInsights(qlog).unanswered_csv()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][0] == "count"
