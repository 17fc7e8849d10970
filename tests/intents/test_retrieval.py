"""Retrieval's analysers are scikit-learn's, written out so that answering needs no
scikit-learn: the same n-grams in the same order, on texts of every kind."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from intents.retrieval import CHAR_NGRAMS, WORD_NGRAMS, char_ngrams, word_ngrams

SKLEARN_CHARS = TfidfVectorizer(
    analyzer="char_wb", ngram_range=CHAR_NGRAMS, lowercase=False
).build_analyzer()
SKLEARN_WORDS = TfidfVectorizer(
    analyzer="word", ngram_range=WORD_NGRAMS, lowercase=False, token_pattern=r"\S+"
).build_analyzer()

TEXTS = [
    "How many Japanese firms are in Düsseldorf?",
    "wie  viele\tJapaner\nleben in NRW",
    "デュッセルドルフには日本人が何人住んでいますか？",
    "a",
    "",
    "   ",
    "x y",
    "Investitionsstandort Nordrhein-Westfalen",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_views_are_scikit_learns_on_typical_texts(text: str) -> None:
    assert char_ngrams(text) == SKLEARN_CHARS(text)
    assert word_ngrams(text) == SKLEARN_WORDS(text)


@given(st.text(alphabet=st.sampled_from("ab é日本 \t\n\u3000-"), max_size=40))
def test_the_views_are_scikit_learns_on_any_text(text: str) -> None:
    assert char_ngrams(text) == SKLEARN_CHARS(text)
    assert word_ngrams(text) == SKLEARN_WORDS(text)
