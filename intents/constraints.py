"""Constraints, the third stage: why an entry cannot answer a question, with the reason kept.

One rule, applied kind by kind: **an entry is not eligible when the question names
something of a kind the entry covers, and the entry covers something else.**
"Korean firms in Lyon" names a place; the entry about Springfield covers a place,
and not Munich: it is ruled out, however well its words match. Kinds are compared in
families (``intents.names.KIND_FAMILY``): a nationality word and a people word both name
a country of origin.

What an entry covers is taken from the base, never from code: the entities it lists, the
places its facts are scoped to, and what its own phrasings name in at least
``MIN_PHRASINGS`` of them (one phrasing may name a place in passing: "we're a Tokyo firm").
An entry that states no number and covers a place may also answer for the places the
base says lie ``within`` it (``widen``): what the source says of a state's workforce holds
for its cities, where the state's count of anything is not the city's. The matcher keeps
the wide reading only when it answers with an entry that the narrow reading ruled out and
the model ranks above the narrow reading's best.

The same rule covers what is counted: a question that counts people is not answered by
an entry whose phrasings count companies, and the other way round; a question that asks
"how many" is not answered by an entry that states no number, nor "when" by one that states
a number and no date; "what did X say" not by an entry whose phrasings never ask that
(when some entry's do); a question about the future is not answered from dated facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from intents.analysis import Analysis
from intents.cues import QUOTE as QUOTE_ASKED
from intents.cues import TIME as TIME_ASKED
from intents.names import KIND_FAMILY, NATIONALITY, PLACE, TIME, year_ref
from knowledge import Entry, KnowledgeBase

# A name counts as covered by an entry when at least this many of its phrasings name it,
# and at least this share of them: one phrasing may name a place in passing, and a long
# entry's few asides ("Germany's largest state") do not make it about Germany.
MIN_PHRASINGS = 2
MIN_PHRASING_SHARE = 0.2
# What an entry counts is what most of its counting phrasings count (a strict majority).
COUNT_MAJORITY = 0.5

# Reason codes, for tests and the explanation.
OTHER_NAME = "other_name"
COUNTS_OTHER = "counts_other"
NO_NUMBER = "no_number"
NO_DATE = "no_date"
NOT_QUOTED = "not_quoted"
FUTURE = "future"
NARROWER = "narrower"
UNSAID = "unsaid"  # not a rule-out: the question does not say which of two it means


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one entry is about, by family of kind: family -> base entity ids (or world refs)."""

    covers: dict[str, frozenset[str]] = field(default_factory=dict)
    counts: str | None = None  # "people", "organisations" or None
    # families that most of its phrasings name: its figure is about that subgroup
    required: frozenset[str] = frozenset()
    has_number: bool = False
    has_date: bool = False  # one of its facts is a date (an event's day)
    sourced: bool = False  # rests on facts or quotes (small talk does not)
    dated: bool = False  # rests on facts, which describe a moment
    # places that lie within the places it covers, when it states no number (see ``widen``)
    within: frozenset[str] = frozenset()
    # the share of its phrasings that ask what someone said ("what did X say", 発言)
    quoted: float = 0.0


@dataclass(frozen=True, slots=True)
class RuledOut:
    entry: str
    reason: str  # one of the codes above
    detail: str  # for people: what the question names and what the entry covers

    def __str__(self) -> str:
        return f"{self.entry}: {self.detail}"


def entry_coverage(kb: KnowledgeBase, entry: Entry, phrasings: Sequence[Analysis]) -> Coverage:
    covers: dict[str, set[str]] = {}
    for quote_id in entry.quotes:
        quote = kb.quotes.get(quote_id)
        source = kb.sources.get(quote.evidence.source_id) if quote else None
        if source is not None and source.date[:4].isdigit():
            covers.setdefault(TIME, set()).add(year_ref(source.date[:4]))
    for entity_id in entry.entities:
        entity = kb.entities.get(entity_id)
        if entity is not None:
            covers.setdefault(KIND_FAMILY.get(entity.kind, entity.kind), set()).add(entity_id)
    numbers = False
    dates = False
    dated = False
    sourced = bool(entry.facts or entry.quotes)
    for fact_id in entry.facts:
        fact = kb.facts.get(fact_id)
        if fact is None:
            continue
        source = kb.sources.get(fact.evidence.source_id)
        if source is not None and source.date[:4].isdigit() and not fact.as_of:
            covers.setdefault(TIME, set()).add(year_ref(source.date[:4]))
        if fact.scope:
            covers.setdefault(PLACE, set()).add(fact.scope)
        for when in (fact.as_of, fact.value if isinstance(fact.value, str) else None):
            if when and str(when)[:4].isdigit():
                covers.setdefault(TIME, set()).add(year_ref(str(when)[:4]))
        numbers = numbers or (
            isinstance(fact.value, int | float) and not isinstance(fact.value, bool)
        )
        dates = dates or (isinstance(fact.value, str) and fact.value[:4].isdigit())
        dated = True
    named: dict[tuple[str, str], int] = {}
    people = organisations = counting = quoting = 0
    for analysis in phrasings:
        quoting += QUOTE_ASKED in analysis.asks
        for ref_family in {(m.ref, KIND_FAMILY.get(m.kind, m.kind)) for m in analysis.mentions}:
            named[ref_family] = named.get(ref_family, 0) + 1
        if analysis.counting:
            counting += 1
            people += analysis.counts_people
            organisations += analysis.counts_organisations
    needed = max(MIN_PHRASINGS, MIN_PHRASING_SHARE * len(phrasings))
    for (ref, family), times in named.items():
        if times >= needed:
            covers.setdefault(family, set()).add(ref)
    families: dict[str, int] = {}
    for analysis in phrasings:
        for family in {KIND_FAMILY.get(m.kind, m.kind) for m in analysis.mentions}:
            families[family] = families.get(family, 0) + 1
    required = frozenset(
        f for f, times in families.items() if phrasings and times / len(phrasings) > COUNT_MAJORITY
    )
    within: frozenset[str] = frozenset()
    if not numbers and PLACE in covers:
        within = frozenset(places_within(kb, frozenset(covers[PLACE])))
    counts = None
    if counting:
        if people / counting > COUNT_MAJORITY:
            counts = "people"
        elif organisations / counting > COUNT_MAJORITY:
            counts = "organisations"
    return Coverage(
        {k: frozenset(v) for k, v in covers.items()},
        counts,
        required,
        numbers,
        dates,
        sourced,
        dated,
        within,
        quoting / len(phrasings) if phrasings else 0.0,
    )


def places_within(kb: KnowledgeBase, outer: frozenset[str]) -> set[str]:
    """The places of the base that lie, at any depth, within one of ``outer``."""
    inner: set[str] = set()
    for entity in kb.entities.values():
        place, seen = entity.within, {entity.id}
        while place is not None and place not in seen:
            if place in outer:
                inner.add(entity.id)
                break
            seen.add(place)
            parent = kb.entities.get(place)
            place = parent.within if parent is not None else None
    return inner


def _not_earlier(asked: set[str], covered: frozenset[str] | None) -> bool:
    """Whether every year asked about is at or after every year the entry is dated."""
    years = [int(r.split(":")[1]) for r in asked if r.startswith("year:")]
    dated = [int(r.split(":")[1]) for r in covered or () if r.startswith("year:")]
    return bool(years and dated) and min(years) >= max(dated)


def rule_out(
    entry_id: str,
    coverage: Coverage,
    analysis: Analysis,
    names: dict[str, str],
    widen: bool = False,
    quoting: bool = False,
    figured: bool = False,
) -> RuledOut | None:
    """The reason the entry cannot answer the question, or None when it may; with
    ``widen``, a place within one the entry covers is covered too. ``quoting``: most
    phrasings of some entry of the base ask what someone said; ``figured``: the question
    names a figure the entry states (then it is about that figure, whatever it names)."""
    asked: dict[str, set[str]] = {}
    for mention in analysis.mentions:
        family = KIND_FAMILY.get(mention.kind, mention.kind)
        asked.setdefault(family, set()).add(mention.ref)
    everything = frozenset().union(*coverage.covers.values()) if coverage.covers else frozenset()
    for family, refs in asked.items():
        covered = coverage.covers.get(family)
        if widen and family == PLACE and covered:
            covered = covered | coverage.within
        # A name the entry covers as another kind is no other thing: "韓国の会社" names
        # Korea as a place where the entry counts it as a nationality.
        if family == TIME and analysis.about_present and _not_earlier(refs, covered):
            continue  # "now, in 2024": the dated figure is the newest on file
        others = refs - everything
        if covered and others and not refs & covered:
            shown = ", ".join(sorted(names.get(r, r) for r in covered))
            said = ", ".join(
                dict.fromkeys(
                    m.surface
                    for m in analysis.mentions
                    if m.ref in others and KIND_FAMILY.get(m.kind, m.kind) == family
                )
            )
            return RuledOut(
                entry_id,
                OTHER_NAME,
                f"the question names {said} ({family}); the entry covers {shown}",
            )
    if (
        not figured
        and coverage.has_number
        and (analysis.counting or analysis.counts_people or analysis.counts_organisations)
        and NATIONALITY in coverage.required
        and not {m.ref for m in analysis.mentions} & coverage.covers.get(NATIONALITY, frozenset())
    ):
        # "How many inhabitants has Springfield?" is not "how many Koreans live there":
        # a figure about one nationality says nothing about everyone.
        shown = ", ".join(sorted(names.get(r, r) for r in coverage.covers.get(NATIONALITY, ())))
        return RuledOut(
            entry_id,
            NARROWER,
            f"the entry's figure is about {shown or 'one nationality'};"
            " the question names no nationality",
        )
    if analysis.about_future and coverage.sourced:
        return RuledOut(
            entry_id, FUTURE, "the question asks about the future; the entry's facts are dated"
        )
    if (
        TIME_ASKED in analysis.asks
        and coverage.has_number
        and not coverage.has_date
        and not analysis.counting
    ):
        # "When is the festival in Springfield?" is not answered by how many live there.
        return RuledOut(entry_id, NO_DATE, "the question asks when; the entry states a number")
    if quoting and QUOTE_ASKED in analysis.asks and not coverage.quoted and coverage.sourced:
        # "What did the mayor say?" is not "who is the mayor", when the base has entries
        # that are asked for what someone said and this one never is.
        return RuledOut(
            entry_id, NOT_QUOTED, "the question asks what was said; the entry is never asked that"
        )
    if analysis.counting and not coverage.has_number and coverage.sourced:
        return RuledOut(
            entry_id, NO_NUMBER, "the question asks how many; the entry states no number"
        )
    if analysis.counting and coverage.counts:
        if analysis.counts_people and coverage.counts == "organisations":
            return RuledOut(
                entry_id, COUNTS_OTHER, "the question counts people; the entry counts companies"
            )
        if (
            analysis.counts_organisations
            and not analysis.counts_people
            and coverage.counts == "people"
        ):
            return RuledOut(
                entry_id, COUNTS_OTHER, "the question counts companies; the entry counts people"
            )
    return None
