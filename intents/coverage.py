"""Which entities an entry is about, derived from what the entry says and cites.

An entry covers the entities its answer, facts (and their scope), quotes and ``entities``
list name, and those most of its phrasings name. Entities that only a few phrasings
mention in passing ("we're a Tokyo company ...") are *incidental*: they may appear in a
question next to a covered one, but not instead of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.analysis import Analyser, Analysis
from knowledge import Entry, KnowledgeBase
from knowledge.placeholders import PLACEHOLDER

# An entity named by at least this share of an entry's phrasings is what it is about.
_PHRASING_SHARE = 0.2
# ... and one named by this share of them is part of the question itself.
_EXPECTED_SHARE = 0.6
YEAR = re.compile(r"^(?:19|20)\d\d$")  # a word that is a year
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True, slots=True)
class Coverage:
    covered: frozenset[str]  # entity ids the entry is about
    incidental: frozenset[str]  # named by some phrasings only
    has_figures: bool  # cites a numeric figure: places must match exactly
    # named by its questions (or its entities list), not only its answer
    asked_about: frozenset[str]
    expected: frozenset[str]  # named by most of its questions: a question should name them too
    years: frozenset[str]  # years its questions, answer and facts speak of
    words: frozenset[str]  # folded words of its questions and answers
    scope_kinds: frozenset[str]  # kinds of the entities its figures are scoped to


def entry_coverage(
    kb: KnowledgeBase,
    entry: Entry,
    analyser: Analyser,
    phrasings: list[Analysis],
    answers: list[Analysis],
) -> Coverage:
    """``phrasings`` and ``answers`` are the analyses of the entry's questions and answers."""
    covered: set[str] = set(entry.entities)
    texts: list[str] = []
    for answer in entry.answer.values():
        for _kind, ref in PLACEHOLDER.findall(answer):
            if ref in kb.entities:
                covered.add(ref)
    for analysis in answers:
        covered.update(analysis.entity_ids)
    has_figures = False
    scope_kinds: set[str] = set()
    for fact_id in entry.facts:
        fact = kb.facts[fact_id]
        if fact.scope:
            covered.add(fact.scope)
            if fact.scope in analyser.catalog.entities:
                scope_kinds.add(analyser.catalog.kind(fact.scope))
        if isinstance(fact.value, int | float) and not isinstance(fact.value, bool):
            has_figures = True
        texts.extend(fact.statement.values())
    for quote_id in entry.quotes:
        quote = kb.quotes[quote_id]
        covered.add(quote.speaker)
        texts.extend(quote.text.values())
    entry_words: set[str] = set()
    for text in texts:
        analysis = analyser.analyse(text, limit=None, fuzzy=False)
        covered.update(analysis.entity_ids)
        entry_words.update(analysis.words)
    for analysis in (*answers, *phrasings):
        entry_words.update(analysis.words)
    years = {w for w in entry_words if YEAR.match(w)}
    for fact_id in entry.facts:
        fact = kb.facts[fact_id]
        for value in (fact.as_of, fact.value):
            if value is not None:
                years.update(_YEAR_IN_TEXT.findall(str(value)))

    counts: dict[str, int] = {}
    unplaced: dict[str, int] = {}  # mentions other than as a place
    for analysis in phrasings:
        for entity in analysis.entity_ids:
            counts[entity] = counts.get(entity, 0) + 1
        for entity in {m.entity for m in analysis.mentions if m.kind != "place"}:
            unplaced[entity] = unplaced.get(entity, 0) + 1
    needed = max(1.0, _PHRASING_SHARE * len(phrasings))
    asked_about = {e for e, n in counts.items() if n >= needed} | set(entry.entities)
    covered.update(asked_about)
    incidental = frozenset(counts) - covered
    # Places alternate between phrasings ("in NRW or Düsseldorf"); a nationality,
    # company or person that most phrasings name is part of the question.
    expected = frozenset(
        e for e, n in unplaced.items() if n >= _EXPECTED_SHARE * len(phrasings) and phrasings
    )
    return Coverage(
        covered=frozenset(covered),
        incidental=incidental,
        has_figures=has_figures,
        asked_about=frozenset(asked_about),
        expected=expected,
        years=frozenset(years),
        words=frozenset(entry_words),
        scope_kinds=frozenset(scope_kinds),
    )
