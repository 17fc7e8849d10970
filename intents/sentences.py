"""Sentences of a message: where one ends in English, German and ja.

A sentence ends at ``.``, ``!`` or ``?`` followed by a space or the end (so "ACME.INC",
"Dr. Smith" and "3.5" stay whole only when no space follows: "Dr." before a name is
the one common case, kept together by ``_ABBREVIATION``), at the ja full stops 。！？ wherever
they stand, and at a line break.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+|(?<=[。！？])|\n+")
# Abbreviations that end in a dot and go on: titles before names, "no." before a number.
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:dr|mr|mrs|ms|prof|st|no|nr|ca|bzw|z\.b|u\.a|etc|vs|approx|inc|ltd|co|jp|jap)\.$",
    re.IGNORECASE,
)
_QUESTION_END = re.compile(r"[?？]\s*$")


def sentences(message: str) -> list[str]:
    """The message's sentences in order, stripped, empty ones dropped."""
    pieces = [p for p in _END.split(message) if p is not None]
    merged: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if merged and _ABBREVIATION.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def is_question(sentence: str) -> bool:
    return bool(_QUESTION_END.search(sentence))


def split_questions(
    sentence: str,
    conjunctions: Iterable[str],
    starters: Iterable[str],
    cjk_starters: Iterable[str] = (),
) -> list[str]:
    """One sentence that asks two or three things, cut before each further question:

    - before a conjunction that a question word or verb follows ("Where was it and how
      many came?", "… und wer hat …");
    - at a comma that one follows ("how many in Ohio, how many in Iowa?");
    - at an ideographic comma (、) that a question phrase follows (「何人来て、誰が主催…」).
    """
    pattern = _cut_pattern(
        _ordered(tuple(conjunctions)), _ordered(tuple(starters)), _ordered(tuple(cjk_starters))
    )
    if pattern is None:
        return [sentence]
    parts = [p.strip() for p in pattern.split(sentence) if p and p.strip()]
    return parts or [sentence]


@lru_cache(maxsize=32)
def _ordered(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """Longest first (so "wie viele" wins over "wie"), empty ones dropped: hashable, so
    the pattern for one set of cue words is built once."""
    return tuple(sorted({p for p in phrases if p}, key=lambda p: (-len(p), p)))


@lru_cache(maxsize=8)
def _cut_pattern(
    conjunctions: tuple[str, ...], starters: tuple[str, ...], cjk_starters: tuple[str, ...]
) -> re.Pattern[str] | None:
    joins = "|".join(map(re.escape, conjunctions))
    words = "|".join(map(re.escape, starters))
    cjk = "|".join(map(re.escape, cjk_starters))
    cuts = []
    if words:
        ahead = rf"(?=(?:{words})\b)"
        if joins:
            cuts.append(rf",?\s+(?:{joins})\s+{ahead}")
        cuts.append(rf",\s*{ahead}")
    if cjk:
        cuts.append(rf"[、，](?=(?:{cjk}))")
    return re.compile("|".join(cuts), re.IGNORECASE) if cuts else None
