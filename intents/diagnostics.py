"""What cross-validation says about a base, for curators (``python -m bot check``).

The calibration (``intents.decision``) holds out every phrasing of the base in turn and
ranks the entries without it. A phrasing whose own entry does not come first is *weak*:
a user who asks it that way may get another entry's answer, or none. Two entries whose
held-out phrasings keep landing on each other are *confused*: their phrasings need words
that tell them apart (or they are one entry).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from intents.matcher import Matcher

# A pair of entries is reported as confused from this many held-out phrasings that
# reached the other one: one stray phrasing is a weak phrasing, two make a pattern.
MIN_CONFUSIONS = 2


@dataclass(frozen=True, slots=True)
class WeakPhrasing:
    entry: str
    language: str
    phrasing: str
    reached: str | None  # the entry that ranked first without it, None when none did
    confidence: float


@dataclass(frozen=True, slots=True)
class Confusion:
    entry: str
    other: str
    times: int  # held-out phrasings of either that reached the other
    held_out: int  # held-out phrasings of the two


def weak_phrasings(matcher: Matcher) -> list[WeakPhrasing]:
    weak = []
    for held in matcher.held_out:
        if held.best == held.entry:
            continue
        weak.append(
            WeakPhrasing(
                matcher.entry_ids[held.entry],
                matcher.phrasing_languages[held.phrasing],
                matcher.phrasings[held.phrasing],
                matcher.entry_ids[held.best] if held.best >= 0 else None,
                held.confidence,
            )
        )
    return weak


def confusions(matcher: Matcher) -> list[Confusion]:
    pairs: Counter[tuple[str, str]] = Counter()
    held_per_entry: Counter[str] = Counter()
    for held in matcher.held_out:
        own = matcher.entry_ids[held.entry]
        held_per_entry[own] += 1
        if held.best >= 0 and held.best != held.entry:
            other = matcher.entry_ids[held.best]
            key = (own, other) if own < other else (other, own)
            pairs[key] += 1
    found = [
        Confusion(a, b, n, held_per_entry[a] + held_per_entry[b])
        for (a, b), n in pairs.items()
        if n >= MIN_CONFUSIONS
    ]
    return sorted(found, key=lambda c: (-c.times, c.entry, c.other))
