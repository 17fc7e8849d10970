"""The cue words of data/cues.yaml: what a question asks for, and words pointing back."""

from __future__ import annotations

import pytest

from intents.cues import COUNT, NAME, PERSON, QUOTE, asked_kinds, asking_tail, contrasted, cues
from intents.text import fold, words


def asks(question: str, language: str) -> frozenset[str]:
    folded = fold(question)
    return asked_kinds(folded, words(folded), language)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("What did the mayor say about the city?", "en"),
        ("Any statement from the minister?", "en"),
        ("Wie hat sich die Geschäftsführerin geäußert?", "de"),
        ("Gibt es ein Zitat von ihm?", "de"),
        ("市長の発言を教えてください", "ja"),
        ("大臣はどんなコメントをしましたか", "ja"),
    ],
)
def test_what_someone_said_is_asked_for_in_every_language(question: str, language: str) -> None:
    assert QUOTE in asks(question, language)


@pytest.mark.parametrize(
    ("question", "language", "kind"),
    [
        ("Who is the mayor?", "en", PERSON),
        ("Wer leitet die Agentur?", "de", PERSON),
        ("How many firms are there?", "en", COUNT),
        ("whos the mayor", "en", PERSON),
        ("日本人は何万人くらいですか", "ja", COUNT),
        ("What was the festival called?", "en", NAME),
        ("Wie hieß die Messe?", "de", NAME),
        ("イベントの名称は？", "ja", NAME),
    ],
)
def test_other_questions_do_not_ask_for_a_quote(question: str, language: str, kind: str) -> None:
    found = asks(question, language)
    assert kind in found and QUOTE not in found


@pytest.mark.parametrize(
    ("question", "language", "counts"),
    [
        ("Where can I find the source of the figures?", "en", False),
        ("Quelle der Zahlen?", "de", False),
        ("I'd like the figure for firms in the region.", "en", True),
        ("Haben Sie Zahlen zu Firmen?", "de", True),
    ],
)
def test_figures_ask_for_a_count_only_as_the_figure_for_something(
    question: str, language: str, counts: bool
) -> None:
    assert (COUNT in asks(question, language)) is counts


@pytest.mark.parametrize(
    ("fragment", "language", "points_back"),
    [
        ("how many people were there?", "en", True),
        ("and what did he say?", "en", True),
        ("wie viele Leute waren da?", "de", True),
        ("そこには何人来ましたか？", "ja", True),
        ("how many companies are in Ohio?", "en", False),
        ("wie viele Firmen gibt es in Köln?", "de", False),
    ],
)
def test_words_pointing_back(fragment: str, language: str, points_back: bool) -> None:
    folded = fold(fragment)
    assert cues()[language].refers_back.found_in(folded, words(folded)) is points_back


@pytest.mark.parametrize(
    ("question", "aside", "asked"),
    [
        ("not the ferries but the trains: how many run", "the ferries", "the trains how many run"),
        ("I don't mean the price, I mean the size", "mean the price", "the size"),
        ("nicht die Fähren, sondern die Züge", "die fahren", "die zuge"),
        ("フェリーじゃなくて、電車は何本？", "フェリー", "電車は何本?"),
        ("フェリーの数ではなく電車の数", "フェリーの数", "電車の数"),
    ],
)
def test_not_a_but_b_sets_a_aside_in_every_language(question: str, aside: str, asked: str) -> None:
    assert contrasted(fold(question), None) == (aside, asked)


@pytest.mark.parametrize(
    "question",
    [
        "how many ferries run, but when do they leave?",  # a "but" with nothing denied
        "not sure",  # a denial with nothing turned to
        "is it not cheap?",
        "Fähren oder Züge, aber wann?",
    ],
)
def test_a_plain_but_or_not_is_no_contrast(question: str) -> None:
    assert contrasted(fold(question), None) is None


@pytest.mark.parametrize(
    ("question", "tail"),
    [
        ("As a skipper from Kobe, I'd like the number of ferries", "number of ferries"),
        ("We run a bakery and wonder whether the port is busy", "whether the port is busy"),
        (
            "Als Reederei aus Kobe interessiert mich, wie viele Fähren fahren",
            "interessiert mich wie viele fahren fahren",
        ),
        ("神戸の船会社ですが、フェリーは何本ありますか", "フェリーは何本ありますか"),
    ],
)
def test_what_comes_before_the_question_is_cut_off(question: str, tail: str) -> None:
    assert asking_tail(fold(question), None) == tail


@pytest.mark.parametrize(
    "question",
    ["how many ferries are there", "is the port busy, and when", "フェリーは何本ありますか"],
)
def test_a_sentence_that_asks_from_its_start_has_no_preamble(question: str) -> None:
    assert asking_tail(fold(question), None) is None


def test_words_that_yaml_would_read_as_booleans_stay_words() -> None:
    # YAML 1.1 reads an unquoted on, yes or true as a boolean: "on" was lost from the
    # function words, and True (as "true") took its place.
    english = cues()["en"]
    assert "on" in english.function
    assert "true" not in english.function
    assert ("true",) in english.verify.latin
