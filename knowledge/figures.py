"""Figures (numbers) written in texts, normalised so that "13.752", "13,752" and "13752" are one.

The cross-record checks (``knowledge.references``) use them to refuse an answer that states
a figure none of its facts carries: a figure is only ever written once, in a fact, and
answers either name it through a ``{value:FACT}`` placeholder or repeat a number the cited
fact already has.
"""

from __future__ import annotations

import re
import unicodedata

# A run of digits with "." or "," groups, not glued to Latin letters ("5G", "B2B", "MP3"
# are names, not figures); English ordinal suffixes still count ("13th").
_NUMBER = re.compile(r"(?<![A-Za-z0-9])[0-9]+(?:[.,][0-9]+)*(?:st|nd|rd|th)?(?![A-Za-z0-9])")
# Digits that are part of an address rather than a figure.
_NOT_FIGURES = re.compile(
    r"(?:https?://|www\.)\S+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|\+[0-9][0-9 ()./-]{4,}[0-9]"  # international phone numbers: +49 211 1234
)
_SEPARATORS = re.compile(r"[.,]")
# A text without a digit writes no figure: the cheap test that skips most texts.
ANY_DIGIT = re.compile(r"\d")


def normalise_number(token: str) -> tuple[str, ...]:
    """The figure(s) a written number stands for, as plain digit strings.

    Groups of exactly three digits after "." or "," are thousands ("13.752" and "13,752"
    are 13752); a single other separator is a decimal point ("2,5" is 2.5); anything else
    (a dotted date such as "13.09.2017") is several figures.
    """
    token = token.rstrip("stndrh")
    parts = _SEPARATORS.split(token)
    if len(parts) == 1:
        return (str(int(parts[0])),)
    if 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:]):
        return (str(int("".join(parts))),)
    if len(parts) == 2:
        whole, fraction = str(int(parts[0])), parts[1].rstrip("0")
        return (f"{whole}.{fraction}" if fraction else whole,)
    return tuple(str(int(p)) for p in parts)


def figures_in(text: str) -> tuple[str, ...]:
    """Every figure written in ``text``, in order (URLs, e-mail and phone numbers ignored)."""
    if not ANY_DIGIT.search(text):  # most texts: nothing to do
        return ()
    text = unicodedata.normalize("NFKC", text)  # full-width digits: "３８４" is 384
    text = _NOT_FIGURES.sub(" ", text)
    found: list[str] = []
    for match in _NUMBER.finditer(text):
        found.extend(normalise_number(match.group(0)))
    return tuple(found)


def figures_of_value(value: int | float | str | None) -> tuple[str, ...]:
    """The figure(s) a fact's ``value`` carries (a date string carries its parts)."""
    if value is None or isinstance(value, bool):
        return ()
    if isinstance(value, int):
        return (str(abs(value)),)
    if isinstance(value, float):
        text = repr(abs(value))
        if "e" in text or "inf" in text or "nan" in text:
            return ()
        return normalise_number(text) if "." in text else (text,)
    return figures_in(value)
