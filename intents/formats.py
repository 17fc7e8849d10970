"""Numbers, dates and language names as each language writes them, from CLDR through Babel.

"13,752" / "13.752"; "13 September 2017" / "13. September 2017" / "2017年9月13日";
"German" / "Deutsch" / "ドイツ語". No month name, digit separator or language name is written
here by hand: they are all CLDR's, in the language of the sentence around them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime, format_skeleton
from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_format_percent

from intents.texts import ui_language
from knowledge import Language

# The CLDR locale of each language fixed sentences are written in. English the British way,
# day before month ("13 September 2017"), as the base's sources date themselves; en_GB's
# digits and names are en's.
LOCALES: dict[Language, str] = {"en": "en_GB", "de": "de", "ja": "ja"}
# A date as the base writes one: a year, a year and month, or a day, optionally with a time.
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.+\-Z]*)?")
# Figures on file carry at most two decimals; more would be noise in a chat.
_DECIMALS = 2


@lru_cache(maxsize=8)
def locale(language: str | None) -> Locale:
    """The CLDR locale numbers and dates are written in for ``language``."""
    return Locale.parse(LOCALES[ui_language(language)])


def format_number(value: int | float, language: str | None) -> str:
    """``13752`` as "13,752" / "13.752"; a fraction with at most two decimals."""
    if isinstance(value, float):
        value = round(value, _DECIMALS)
    return format_decimal(value, locale=locale(language))


def format_percent(share: float, language: str | None) -> str:
    """``0.667`` as "67%" / "67 %"."""
    return babel_format_percent(share, locale=locale(language))


def format_date(iso: str, language: str | None) -> str:
    """ "2017-09-13" as 13 September 2017 / 13. September 2017 / 2017年9月13日, "2017-09" as
    September 2017 / 2017年9月, "2017" as 2017 / 2017年; anything else unchanged."""
    match = _ISO_DATE.fullmatch(iso.strip())
    if not match:
        return iso
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        when = date(year, month or 1, day or 1)
    except ValueError:  # "2017-13"
        return iso
    where = locale(language)
    if day:
        return babel_format_date(when, "long", locale=where)
    return format_skeleton("yMMMM" if month else "y", when, locale=where)


def format_day(day: date, language: str | None) -> str:
    """A day of the current year, short: "13 Sept" / "13. Sept." / "9月13日"."""
    return format_skeleton("MMMd", day, locale=locale(language))


def format_moment(moment: datetime, language: str | None) -> str:
    """A moment in UTC: "2 Jan 2024, 03:04:05" / "02.01.2024, 03:04:05" / "2024/01/02 3:04:05"."""
    return format_datetime(moment, "medium", tzinfo=UTC, locale=locale(language))


@lru_cache(maxsize=64)
def language_name(code: str, language: str | None) -> str:
    """The name of language ``code`` in ``language`` ("de" in English: "German"); the code
    itself for one CLDR does not name."""
    return locale(language).languages.get(code) or code


@lru_cache(maxsize=16)
def native_language_name(code: str) -> str:
    """Language ``code`` named in itself ("Deutsch", "日本語"): a language menu's labels."""
    try:
        return Locale.parse(code).get_display_name() or code
    except (UnknownLocaleError, ValueError):
        return code
