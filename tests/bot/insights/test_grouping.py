"""Similar unanswered questions are one group, in a stable order."""

from __future__ import annotations

from pathlib import Path

from bot.insights.questions import QuestionInsights
from bot.stores.question_log import QuestionLog
from tests.bot.logged_questions import unanswered


def test_similar_unanswered_questions_are_grouped_most_frequent_first(qlog: QuestionLog) -> None:
    for text in [
        "What are the tax rates in NRW?",
        "what are the tax rates in nrw",
        "What are the tax rate in NRW??",
        "Is there a Japanese school?",
        "Is there a Japanese school?",
        "Is there a japanese school",
        "Is there a Japanese school?",
        "How expensive is office space?",
    ]:
        qlog.record(unanswered(text))

    groups = QuestionInsights(qlog).unanswered()

    assert [(g.example, g.count) for g in groups] == [
        ("Is there a Japanese school?", 4),
        ("What are the tax rate in NRW??", 3),
        ("How expensive is office space?", 1),
    ]
    assert set(groups[0].variants) == {"Is there a japanese school"}
    assert groups[0].best_entry == "companies-nrw" and groups[0].languages == ("en",)


def test_grouping_does_not_depend_on_the_order_questions_came_in(tmp_path: Path) -> None:
    texts = [
        "Tax in NRW?",
        "tax in nrw",
        "Taxes in NRW",
        "Visa for Germany?",
        "visa for germany",
        "Schools?",
        "日本人学校はありますか",
        "日本人学校はありますか？",
    ]
    results = []
    for name, order in (("a", texts), ("b", list(reversed(texts)))):
        with QuestionLog(tmp_path / f"{name}.sqlite3") as log:
            for text in order:
                log.record(unanswered(text))
            groups = QuestionInsights(log).unanswered()
            results.append([(g.example, g.count, set(g.variants)) for g in groups])
    assert results[0] == results[1]


def test_grouping_does_not_merge_unrelated_questions(qlog: QuestionLog) -> None:
    for text in [
        "Where is the Japanese school?",
        "What does office space cost?",
        "Who is the mayor of Cologne?",
        "税率はいくらですか",
    ]:
        qlog.record(unanswered(text))
    assert sorted(g.count for g in QuestionInsights(qlog).unanswered()) == [1, 1, 1, 1]


def test_unanswered_limit(qlog: QuestionLog) -> None:
    for text in ["alpha question", "bravo topic", "charlie thing"]:
        qlog.record(unanswered(text))
    assert len(QuestionInsights(qlog).unanswered(limit=2)) == 2


def test_a_question_asked_after_the_listing_is_in_the_next_one(qlog: QuestionLog) -> None:
    insights = QuestionInsights(qlog)
    qlog.record(unanswered("Where is the Japanese school?"))
    assert [g.count for g in insights.unanswered()] == [1]
    qlog.record(unanswered("Where is the Japanese school?"))
    qlog.record(unanswered("What does office space cost?"))
    assert [(g.example, g.count) for g in insights.unanswered()] == [
        ("Where is the Japanese school?", 2),
        ("What does office space cost?", 1),
    ]
