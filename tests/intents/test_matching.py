"""Matching on small bases the matcher was never tuned on: compounds, synonyms, typos and
near misses, question in, entry (or decline) out."""

from __future__ import annotations

import pytest

from intents.responder import Responder
from knowledge.loader import load_knowledge
from tests.intents.small_base import write_plain_base

LIBRARY = {
    "library-card": (
        {"de": ["Wie bekomme ich einen Bibliotheksausweis?", "Bibliotheksausweis beantragen"]},
        "An der Theke, mit Personalausweis.",
    ),
    "readings": (
        {"de": ["Gibt es Lesungen?", "Welche Lesungen finden statt?"]},
        "Lesungen stehen im Veranstaltungskalender.",
    ),
    "opening-hours": (
        {"de": ["Wann hat die Bücherei geöffnet?", "Öffnungszeiten der Bücherei"]},
        "Dienstag bis Samstag, zehn bis achtzehn Uhr.",
    ),
    "lost-card": (
        {"de": ["Ich habe meinen Bibliotheksausweis verloren", "Ausweis verloren, was tun?"]},
        "Melden Sie den Verlust an der Theke.",
    ),
}

COWORKING = {
    "day-pass-price": (
        {"en": ["What does a day pass cost?", "day pass price"]},
        "A day pass is twenty euros.",
    ),
    "cancel-membership": (
        {"en": ["How do I cancel my membership?", "cancel membership"]},
        "Write to us a month ahead.",
    ),
    "wifi-password": (
        {"en": ["What is the wifi password?", "wifi password"]},
        "It is on the card at reception.",
    ),
    "dogs": (
        {"en": ["Can I bring my dog?", "dogs allowed?"]},
        "Well-behaved dogs are welcome.",
    ),
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Responder:
    directory = write_plain_base(tmp_path_factory.mktemp("library"), ["de"], LIBRARY)
    return Responder(load_knowledge(directory))


@pytest.fixture(scope="module")
def coworking(tmp_path_factory: pytest.TempPathFactory) -> Responder:
    directory = write_plain_base(tmp_path_factory.mktemp("coworking"), ["en"], COWORKING)
    return Responder(load_knowledge(directory))


def answered_with(responder: Responder, question: str) -> str | None:
    reply = responder.reply(question)
    return reply.entry if reply.answered else None


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # the head of the base's compound: "Bibliotheksausweis" is an "Ausweis"
        ("Wie bekomme ich einen Ausweis?", "library-card"),
        # the question's compound has the base's word as its head
        ("Gibt es bei euch Autorenlesungen?", "readings"),
        # inflection and umlaut spellings
        ("wann habt ihr geoeffnet", "opening-hours"),
        ("Mein Ausweis ist verloren gegangen", "lost-card"),
    ],
)
def test_german_compounds_and_inflections(library: Responder, question: str, entry: str) -> None:
    assert answered_with(library, question) == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("How much is the fee for a day pass?", "day-pass-price"),
        ("what's the charge for a day pass", "day-pass-price"),
        ("I want to terminate my membership", "cancel-membership"),
        ("whats the wlan password", "wifi-password"),
        # typos are made in words: "pasword" is one edit from "password"
        ("waht is the wifi pasword", "wifi-password"),
    ],
)
def test_general_synonyms_and_typos(coworking: Responder, question: str, entry: str) -> None:
    assert answered_with(coworking, question) == entry


@pytest.mark.parametrize(
    "question",
    [
        "What does a parking space cost?",  # "parking space" where the base has "day pass"
        "Can I bring my cat?",  # a cat is a pet, but the base speaks of dogs only
        "What is the password of the printer?",
        "How many members do you have?",  # a count the base does not state
    ],
)
def test_near_misses_are_declined(coworking: Responder, question: str) -> None:
    assert not coworking.reply(question).answered


def test_a_near_miss_in_german_is_declined(library: Responder) -> None:
    assert not library.reply("Wann hat das Schwimmbad geöffnet?").answered


def test_language_choice_applies_only_to_languages_of_the_base(library: Responder) -> None:
    reply = library.reply("Gibt es Lesungen?", language="en")
    assert reply.answered and reply.language == "de"
