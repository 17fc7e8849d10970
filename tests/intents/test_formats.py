"""Numbers, dates and language names written per language, as CLDR has them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from intents.formats import (
    LOCALES,
    format_date,
    format_day,
    format_moment,
    format_number,
    format_percent,
    language_name,
    native_language_name,
)
from intents.texts import LANGUAGES


def test_every_language_of_the_texts_has_its_locale() -> None:
    assert set(LOCALES) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("value", "language", "written"),
    [
        (13752, "en", "13,752"),
        (13752, "de", "13.752"),
        (13752, "ja", "13,752"),
        (1234.5678, "de", "1.234,57"),  # two decimals at most
        (2.0, "en", "2"),
        (13752, "fr", "13,752"),  # a language without texts is written as English
    ],
)
def test_numbers(value: float, language: str, written: str) -> None:
    assert format_number(value, language) == written


@pytest.mark.parametrize(("language", "written"), [("en", "67%"), ("de", "67\xa0%"), ("ja", "67%")])
def test_percentages(language: str, written: str) -> None:
    assert format_percent(2 / 3, language) == written


@pytest.mark.parametrize(
    ("iso", "language", "written"),
    [
        ("2017-09-13", "en", "13 September 2017"),
        ("2017-09-13", "de", "13. September 2017"),
        ("2017-09-13", "ja", "2017年9月13日"),
        ("2017-09-13T09:30:00Z", "de", "13. September 2017"),
        ("2017-09", "en", "September 2017"),
        ("2017-09", "de", "September 2017"),
        ("2017-09", "ja", "2017年9月"),
        ("2017", "de", "2017"),
        ("2017", "ja", "2017年"),
        ("2017-13", "en", "2017-13"),
        ("2017-02-30", "en", "2017-02-30"),
        ("soon", "en", "soon"),
    ],
)
def test_dates(iso: str, language: str, written: str) -> None:
    assert format_date(iso, language) == written


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "13 Sept", "2 Jan 2024, 03:04:05"),
        ("de", "13. Sept.", "02.01.2024, 03:04:05"),
        ("ja", "9月13日", "2024/01/02 3:04:05"),
    ],
)
def test_days_and_moments(language: str, day: str, moment: str) -> None:
    assert format_day(date(2024, 9, 13), language) == day
    assert format_moment(datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), language) == moment


@pytest.mark.parametrize(
    ("code", "language", "name"),
    [("de", "en", "German"), ("ja", "de", "Japanisch"), ("en", "ja", "英語"), ("xx", "en", "xx")],
)
def test_language_names_in_the_readers_language(code: str, language: str, name: str) -> None:
    assert language_name(code, language) == name


def test_language_names_in_themselves() -> None:
    assert [native_language_name(code) for code in LANGUAGES] == ["English", "Deutsch", "日本語"]
    assert native_language_name("not a code") == "not a code"
