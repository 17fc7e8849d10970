"""Checking that an excerpt occurs verbatim in a source text.

Verbatim means character for character, except that any run of white space (line breaks,
several spaces, tabs, non-breaking spaces) matches any other run: curators wrap long
excerpts in YAML. Quotation marks, dashes and spelling must be exactly as published.
"""

from __future__ import annotations

import re

_WHITESPACE = re.compile(r"\s+")
# What joins the parts of a shortened quote: "first part … second part".
_ELLIPSIS = re.compile(r"\s+(?:…|\.\.\.)\s+")


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


class SourceText:
    """A source's text, normalised once so that each excerpt check is one substring search."""

    __slots__ = ("_collapsed", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._collapsed = collapse_whitespace(text)

    def contains(self, excerpt: str) -> bool:
        needle = collapse_whitespace(excerpt)
        return bool(needle) and needle in self._collapsed

    def missing_segments(self, quote: str) -> tuple[str, ...]:
        """The parts of a quote (split at " … ") that do not occur verbatim."""
        return tuple(s for s in quote_segments(quote) if not self.contains(s))


def quote_segments(quote: str) -> tuple[str, ...]:
    """The verbatim parts of a shortened quote: "A … B" is "A" and "B"."""
    return tuple(s for s in (p.strip() for p in _ELLIPSIS.split(quote)) if s)
