"""The general vocabulary: synonyms meet on one term, related words stay apart but close."""

from __future__ import annotations

import pytest

from intents.analysis import term_of
from intents.lexicon import (
    _SYNONYM_GROUPS,
    JAPANESE_SYNONYMS,
    RELATED,
    _group_words,
    stop_words,
)
from intents.normalise import fold, stem
from intents.responder import Responder
from knowledge.loader import load_knowledge
from tests.intents.small_base import write_plain_base


def term(word: str, language: str) -> str:
    return term_of(fold(word), language)


@pytest.mark.parametrize(
    "words",
    [
        [("price", "en"), ("cost", "en"), ("fee", "en"), ("Preis", "de"), ("Gebühr", "de")],
        [("firm", "en"), ("company", "en"), ("business", "en"), ("Firma", "de")],
        [("Firma", "de"), ("Unternehmen", "de"), ("Betrieb", "de")],
        [("cancel", "en"), ("cancellation", "en"), ("kündigen", "de")],
        [("open", "en"), ("opening", "en"), ("geöffnet", "de"), ("offen", "de")],
        [("corporations", "en"), ("enterprises", "en"), ("Konzerne", "de"), ("Unternehmen", "de")],
        [("staff", "en"), ("workforce", "en"), ("Mitarbeiter", "de"), ("Beschäftigte", "de")],
        [("Personal", "de"), ("Belegschaft", "de"), ("employees", "en")],
        [("number", "en"), ("count", "en"), ("Anzahl", "de"), ("Zahl", "de")],
        [("refund", "en"), ("reimbursed", "en"), ("Rückerstattung", "de"), ("erstattet", "de")],
        [("return", "en"), ("Rückgabe", "de"), ("zurückgeben", "de")],
        [("pause", "en"), ("suspend", "en"), ("freeze", "en"), ("pausieren", "de")],
        [("documents", "en"), ("paperwork", "en"), ("Unterlagen", "de")],
        [("wheelchair", "en"), ("accessible", "en"), ("Rollstuhl", "de"), ("barrierefrei", "de")],
    ],
)
def test_synonyms_meet_on_one_term(words: list[tuple[str, str]]) -> None:
    assert len({term(word, language) for word, language in words}) == 1


def test_a_kind_of_a_thing_is_close_but_not_the_same() -> None:
    espresso, coffee = term("espresso", "en"), term("coffee", "en")
    assert espresso != coffee
    assert coffee in RELATED[espresso] and espresso in RELATED[coffee]


def test_ambiguous_words_are_only_related() -> None:
    # "charge" may be a price or a battery's: it is near "price", not the same word
    assert term("charge", "en") != term("price", "en")
    assert term("price", "en") in RELATED[term("charge", "en")]


def test_no_word_belongs_to_two_synonym_groups() -> None:
    owner: dict[tuple[str, str], int] = {}
    clashes = []
    for i, group in enumerate(_SYNONYM_GROUPS):
        for language, word in _group_words(group):
            key = (language, stem(word, language))
            if owner.setdefault(key, i) != i:
                clashes.append((word, language))
    assert clashes == []


def test_stop_words_follow_the_language_of_the_text() -> None:
    # "kind of" is filler in English; "Kind" is a child in German
    assert "kind" in stop_words("en") and "kind" not in stop_words("de")
    assert "man" in stop_words("de") and "man" not in stop_words("en")
    # people mix languages ("wer is dr jakoby"): the other language's fillers stay out
    assert "is" in stop_words("de")


@pytest.mark.parametrize(
    ("word", "near", "language"),
    [
        ("novel", "book", "en"),  # a novel is a book, not every book a novel
        ("Roman", "Buch", "de"),
        ("daughter", "child", "en"),
        ("Tochter", "Kind", "de"),
        ("outfits", "companies", "en"),  # a loose word for a company
        ("people", "residents", "en"),  # "people attended" are no residents
        ("Leute", "Einwohner", "de"),
        ("figure", "number", "en"),
        ("stats", "number", "en"),
        ("backpack", "locker", "en"),
        ("Rucksack", "Schließfach", "de"),
        ("einschließen", "Schließfach", "de"),
        ("Tisch", "Arbeitsplatz", "de"),
        ("forgot", "lost", "en"),
    ],
)
def test_loose_words_are_close_but_not_the_same(word: str, near: str, language: str) -> None:
    assert term(word, language) != term(near, language)
    assert term(near, language) in RELATED[term(word, language)]


def test_weekdays_carry_content_in_english_as_in_german() -> None:
    # "open on Sunday" and "open on Monday" ask different things
    assert "sunday" not in stop_words("en") and "sonntag" not in stop_words("de")


def test_japanese_bigrams_that_ask_the_same_meet() -> None:
    assert JAPANESE_SYNONYMS["会社"] == JAPANESE_SYNONYMS["法人"] == "企業"
    assert JAPANESE_SYNONYMS["住民"] == "在住"


SERVICE_DESK = {
    "staff-count": (
        {
            "en": ["How many employees does the library have?"],
            "de": ["Wie viele Mitarbeiter hat die Bibliothek?"],
            "ja": ["図書館の職員は何人ですか"],
        },
        "Twelve.",
    ),
    "partner-firms": (
        {
            "en": ["Which companies are partners?"],
            "de": ["Welche Firmen sind Partner?"],
            "ja": ["提携している企業はどこですか"],
        },
        "Two bookshops.",
    ),
    "returns": (
        {
            "en": ["Where can I return media?"],
            "de": ["Wo kann ich Medien zurückgeben?"],
            "ja": ["返却はどこでできますか"],
        },
        "At the machine by the door.",
    ),
    "lockers": (
        {
            "en": ["Are there lockers?"],
            "de": ["Gibt es Schließfächer?"],
            "ja": ["ロッカーはありますか"],
        },
        "Next to the entrance.",
    ),
    "weekend-hours": (
        {
            "en": ["Are you open on weekends?", "Saturday opening hours"],
            "de": ["Haben Sie am Wochenende geöffnet?"],
            "ja": ["週末は開いていますか"],
        },
        "Saturdays ten to two.",
    ),
    "weekday-hours": (
        {
            "en": ["When are you open during the week?", "opening hours Monday to Friday"],
            "de": ["Wann haben Sie unter der Woche geöffnet?"],
            "ja": ["平日の開館時間は"],
        },
        "Ten to seven.",
    ),
}


@pytest.fixture(scope="module")
def service_desk(tmp_path_factory: pytest.TempPathFactory) -> Responder:
    directory = write_plain_base(
        tmp_path_factory.mktemp("service-desk"), ["en", "de", "ja"], SERVICE_DESK
    )
    return Responder(load_knowledge(directory))


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Wie viele Beschäftigte hat die Bibliothek?", "staff-count"),
        ("How many staff does the library have?", "staff-count"),
        ("提携している会社はどこですか", "partner-firms"),
        ("Wo kann ich Medien zurückbringen?", "returns"),
        ("Wo kann ich meinen Rucksack einschließen?", "lockers"),
        ("Are you open on Sunday?", "weekend-hours"),
    ],
)
def test_questions_in_other_words_reach_their_entry(
    service_desk: Responder, question: str, entry: str
) -> None:
    reply = service_desk.reply(question)
    assert (reply.answered, reply.entry) == (True, entry)


@pytest.mark.parametrize(
    "question",
    [
        "Can I buy a backpack?",  # a bag goes in a locker, but nothing here sells one
        "Where can I return my rental car?",  # returns here are of media
        "What is the population of the town?",
    ],
)
def test_loose_words_do_not_answer_near_misses(service_desk: Responder, question: str) -> None:
    assert not service_desk.reply(question).answered
