"""The conversation set (tests/eval/conversation.yaml) as a CI gate, and the message layer.

Gates are regression guards under today's figures (issue 11's targets are higher: 95 %
small talk, 95 % of chatty and multi-question messages fully answered): small talk
recognised 75.0 %, all messages 71.7 %, and no small talk or decline states a figure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.conversation_eval import (
    SMALL_TALK_CASES,
    conversation_figures,
    evaluate_conversation,
    load_conversation,
)
from intents.reply import SEVERAL, SMALL_TALK
from intents.responder import Responder
from intents.sentences import sentences, split_questions

CONVERSATION = Path(__file__).resolve().parent.parent / "eval" / "conversation.yaml"


@pytest.fixture(scope="module")
def outcomes(responder: Responder):  # type: ignore[no-untyped-def]
    cases = load_conversation(CONVERSATION)
    return evaluate_conversation(
        cases, lambda q, c, hint: responder.reply(q, context=c, language_hint=hint)
    )


def test_the_conversation_set_holds_its_gates(outcomes) -> None:  # type: ignore[no-untyped-def]
    result = conversation_figures(outcomes)
    passed, total = result[SMALL_TALK_CASES]
    # Issue 11's target is 95 % of small talk recognised (measured 95.8 %) and 95 % of
    # the chatty and several-question messages answered in full (measured 95.1 / 95.5 %,
    # 95.9 % of all 145): the gates guard what is reached.
    assert total >= 60 and 100 * passed / total >= 93.0, result
    passed, total = result["all"]
    assert 100 * passed / total >= 95.0, result
    assert [o.case.question for o in outcomes if o.states_figure] == []


def test_greetings_and_thanks_around_a_question_do_not_replace_its_answer(
    responder: Responder,
) -> None:
    reply = responder.reply("Hi! How many Japanese companies are in NRW? Thanks!")
    assert reply.answered and reply.entry == "companies-nrw"


def test_a_message_with_two_questions_answers_both_in_order(responder: Responder) -> None:
    reply = responder.reply(
        "デュッセルドルフに日本企業は何社ありますか。NRW州の日本人は何人ですか？"
    )
    assert reply.kind == SEVERAL
    assert [p.entry for p in reply.parts] == ["companies-duesseldorf", "residents-nrw"]
    assert reply.text.index("384") < reply.text.index("13,752")


def test_a_part_not_on_file_says_so_in_its_place(responder: Responder) -> None:
    reply = responder.reply("How many Japanese live in Düsseldorf? What is the office rent there?")
    assert reply.kind == SEVERAL and reply.parts[0].answered and not reply.parts[1].answered
    first, second = reply.text.split("\n\n")[:2]
    assert "7,038" in first and "7,038" not in second


def test_more_than_three_questions_are_pointed_out(responder: Responder) -> None:
    reply = responder.reply("When was the seminar? Where was it? Who hosted it? How many came?")
    assert reply.kind == SEVERAL and len(reply.parts) == 3
    assert "up to 3 questions" in reply.text


def test_small_talk_states_no_figure_and_offers_topics(responder: Responder) -> None:
    for message in ("hi", "Danke schön", "ありがとう", "who are you?"):
        reply = responder.reply(message)
        assert reply.kind == SMALL_TALK and not reply.answered, message
        assert not any(ch.isdigit() for ch in reply.text), message
        assert reply.follow_ups, message


def test_a_question_about_now_gets_the_dated_figure_and_says_nothing_is_newer(
    responder: Responder,
) -> None:
    reply = responder.reply("How many Japanese firms are in Düsseldorf now, in 2024?")
    assert reply.answered and reply.entry == "companies-duesseldorf"
    assert "Nothing newer is on file" in reply.text and "September 2017" in reply.text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("What did Dr. Smith say? Thanks!", ["What did Dr. Smith say?", "Thanks!"]),
        ("セミナーはいつ？会場は？", ["セミナーはいつ？", "会場は？"]),
        ("NRW.INVEST is what?", ["NRW.INVEST is what?"]),
    ],
)
def test_sentences_end_at_stops_not_inside_names(message: str, expected: list[str]) -> None:
    assert sentences(message) == expected


def test_one_sentence_asking_two_things_is_cut_before_the_second_question_word() -> None:
    assert split_questions(
        "Where was the seminar held and how many people came?", ["and"], ["how", "where"]
    ) == ["Where was the seminar held", "how many people came?"]
    assert split_questions("Toyota and Canon in NRW?", ["and"], ["how"]) == [
        "Toyota and Canon in NRW?"
    ]
