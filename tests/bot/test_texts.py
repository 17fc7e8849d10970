"""The bot's own words: complete in every UI language, English where one is missing."""

from __future__ import annotations

import string

import pytest

from bot import texts
from bot.telegram.handlers import PUBLIC_COMMANDS


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("language", texts.UI_LANGUAGES)
def test_every_string_exists_in_every_language_with_the_same_fields(language: str) -> None:
    english = texts._TEXTS["en"]
    translated = texts._TEXTS[language]
    assert translated.keys() == english.keys()
    for key, template in english.items():
        assert fields(translated[key]) == fields(template), key


def test_a_language_without_translation_falls_back_to_english() -> None:
    assert texts.text("flood", "fr") == texts.text("flood", "en")
    assert texts.text("flood", None) == texts.text("flood", "en")
    assert texts.ui_language("pt") == "en"


def test_command_menus_describe_every_public_command_in_every_language() -> None:
    for language in texts.UI_LANGUAGES:
        descriptions = texts.COMMAND_DESCRIPTIONS[language]
        assert set(descriptions) == set(PUBLIC_COMMANDS)
        assert all(3 <= len(d) <= 256 for d in descriptions.values())  # Telegram's bounds


@pytest.mark.parametrize(
    ("iso", "language", "shown"),
    [
        ("2017-09-13", "en", "13 Sep 2017"),
        ("2017-09-13", "de", "13. September 2017"),
        ("2017-09-13", "ja", "2017年9月13日"),
        ("2017-09", "en", "Sep 2017"),
        ("2017-09", "ja", "2017年9月"),
        ("2017", "de", "2017"),
        ("someday", "en", "someday"),
    ],
)
def test_dates_are_written_the_local_way(iso: str, language: str, shown: str) -> None:
    assert texts.format_date(iso, language) == shown
