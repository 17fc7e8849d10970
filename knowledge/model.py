"""The knowledge base as the rest of the program sees it: immutable and fully resolved.

Everything here is built once by the loader (``knowledge.loader.load_knowledge``) after
validation, so consumers never meet a dangling id, a missing language or a mutable list.
Mappings are ``MappingProxyType`` views and sequences are tuples: a base that is being
served can be shared between concurrent answers without copying or locking.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# A language is an ISO 639-1 code such as "en", "de" or "ja".
Language = str
# Text in several languages, keyed by language code.
Localized = Mapping[Language, str]

EMPTY_LOCALIZED: Localized = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a knowledge base, located for a curator."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" refuses the base; "warning" is reported but loads

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


class KnowledgeError(Exception):
    """A knowledge base that cannot be served; ``problems`` lists every reason at once."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was written, so later messages (warnings, reload diffs) can point to it."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Source:
    """A published document the base is built from, with its full text as published."""

    id: str
    title: Localized  # at least the source's own language
    publishers: tuple[str, ...]
    place: str
    date: str  # ISO 8601, e.g. "2017-09-13"
    language: Language  # the language the document was published in
    text: str  # the full text exactly as published
    # the short source line per base language, e.g. "Press release, Tokyo, 13 Sep 2017"
    citation: Localized
    url: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A verbatim excerpt of a source that backs a fact, a quote or an entity."""

    source_id: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure or statement of a source."""

    id: str
    statement: Localized  # a full sentence per base language
    evidence: Evidence
    # the figure (or a date string); None for plain statements
    value: int | float | str | None = None
    qualifier: str = "exact"  # "exact", "over", "about", "up_to"
    unit: str | None = None  # e.g. "companies", "residents", "attendees"
    scope: str | None = None  # entity id of the place the figure is about
    as_of: str | None = None  # ISO date or "YYYY-MM" the figure refers to
    # every figure its excerpt and value carry, normalised ("13752", "2.5"; see knowledge.figures)
    figures: frozenset[str] = frozenset()
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote of a person, in its original wording plus marked translations."""

    id: str
    speaker: str  # entity id of a person
    text: Localized  # original language plus translations
    original_language: Language
    role: Localized  # the speaker's role as the source gives it
    evidence: Evidence
    origin: Origin | None = None

    def is_translation(self, language: Language) -> bool:
        return language != self.original_language


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, place or company the base knows by name."""

    id: str
    kind: str  # "person", "organisation", "place", "company"
    name: Localized  # display name per language
    # other names and spellings in any language, misspellings included
    aliases: tuple[str, ...] = ()
    # what the source says about it
    description: Localized = field(default_factory=lambda: EMPTY_LOCALIZED)
    evidence: Evidence | None = None
    spelled_in_source: str | None = None  # when the source misspells the name
    tags: tuple[str, ...] = ()  # e.g. "named-investor", "presenter", "host"
    # for a place: the place it lies in (a city in its state), so that what the source says
    # of the state without a figure can answer a question about the city
    within: str | None = None
    origin: Origin | None = None

    def all_names(self) -> tuple[str, ...]:
        names = list(dict.fromkeys([*self.name.values(), *self.aliases]))
        if self.spelled_in_source and self.spelled_in_source not in names:
            names.append(self.spelled_in_source)
        return tuple(names)


@dataclass(frozen=True, slots=True)
class Entry:
    """A question investors ask, in many phrasings, and the answer on file.

    ``answer`` texts may hold placeholders that the reply builder fills from the records
    they name, so figures are written once, in the facts:
    ``{value:FACT}``, ``{fact:FACT}``, ``{quote:QUOTE}``, ``{speaker:QUOTE}``, ``{entity:ENTITY}``.
    ``facts``, ``quotes`` and ``entities`` are the records the answer rests on or is about:
    those listed plus those named in placeholders, already merged by the loader.
    """

    id: str
    questions: Mapping[Language, tuple[str, ...]]
    answer: Localized
    facts: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    topic: str | None = None
    origin: Origin | None = None
    kind: str = "answer"  # or "small_talk": cites nothing, states no figure
    # The question shown for the entry on buttons and in "did you mean", per language;
    # where a language has none, its first phrasing is shown.
    label: Mapping[Language, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def small_talk(self) -> bool:
        return self.kind == "small_talk"

    def display_question(self, language: Language) -> str | None:
        """The question shown for this entry in ``language``, if it has one there."""
        if language in self.label:
            return self.label[language]
        phrasings = self.questions.get(language)
        return phrasings[0] if phrasings else None


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """A validated base, ready to serve."""

    title: str
    languages: tuple[Language, ...]  # the first is the default reply language
    sources: Mapping[str, Source]
    facts: Mapping[str, Fact]
    quotes: Mapping[str, Quote]
    entities: Mapping[str, Entity]
    entries: Mapping[str, Entry]  # in file order
    directory: str = ""
    fingerprint: str = ""  # hash of all file contents, to tell two loads apart
    warnings: tuple[Problem, ...] = ()
    # unit -> language -> counter written with a figure of that unit ("600社以上")
    units: Mapping[str, Localized] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def default_language(self) -> Language:
        return self.languages[0]

    def evidence_of(self, entry: Entry) -> tuple[Evidence, ...]:
        """The excerpts an entry's answer rests on, in citation order, without repeats."""
        seen: dict[tuple[str, str], Evidence] = {}
        for fact_id in entry.facts:
            ev = self.facts[fact_id].evidence
            seen.setdefault((ev.source_id, ev.excerpt), ev)
        for quote_id in entry.quotes:
            ev = self.quotes[quote_id].evidence
            seen.setdefault((ev.source_id, ev.excerpt), ev)
        return tuple(seen.values())
