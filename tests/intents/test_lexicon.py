"""The general vocabulary: synonyms meet on one term, related words stay apart but close."""

from __future__ import annotations

import pytest

from intents.analysis import term_of
from intents.lexicon import (
    _SYNONYM_GROUPS,
    RELATED,
    _group_words,
    stop_words,
)
from intents.normalise import fold, stem


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
