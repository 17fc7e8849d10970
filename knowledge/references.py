"""Checks across records: unique ids, references that resolve, excerpts that occur verbatim in
their source, placeholders that name real records, and figures that the cited facts carry.

Runs after every record passed ``knowledge.schema``; works on the cleaned values, in one
pass over each kind, with each source text normalised once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from knowledge.figures import ANY_DIGIT, figures_in, figures_of_value
from knowledge.placeholders import find_placeholders, stray_braces, strip_placeholders
from knowledge.schema import Problems, Record
from knowledge.verbatim import SourceText
from knowledge.yaml_source import YamlSequence

# The longest question shown whole on a button (bot/telegram/render.py cuts longer ones).
MAX_LABEL_CHARS = 60


@dataclass(frozen=True, slots=True)
class Citations:
    """What an entry's answer rests on: listed ids plus those named in placeholders."""

    facts: tuple[str, ...]
    quotes: tuple[str, ...]
    entities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CrossChecked:
    """The results the model builder needs besides the records themselves."""

    records: Mapping[str, Mapping[str, Record]]  # kind -> id -> record (first of duplicates)
    figures: Mapping[str, frozenset[str]]  # fact id -> figures it carries
    citations: Mapping[str, Citations]  # entry id -> what its answer cites


def index_ids(records: list[Record], problems: Problems) -> dict[str, Record]:
    """id -> record for one kind; a repeated id is an error at its second occurrence."""
    by_id: dict[str, Record] = {}
    for record in records:
        record_id = record.id
        if record_id is None:
            continue
        first = by_id.get(record_id)
        if first is not None:
            problems.error(
                record.file,
                record.value_line("id"),
                f"duplicate {record.kind} id {record_id!r} (first defined at {first.file}:"
                f"{first.value_line('id')})",
            )
            continue
        by_id[record_id] = record
    return by_id


def cross_check(
    records: Mapping[str, list[Record]],
    source_texts: Mapping[str, SourceText],
    problems: Problems,
) -> CrossChecked:
    by_kind = {kind: index_ids(items, problems) for kind, items in records.items()}
    checker = _Checker(by_kind, source_texts, problems)
    for source in by_kind["source"].values():
        checker.source(source)
    for fact in by_kind["fact"].values():
        checker.fact(fact)
    for quote in by_kind["quote"].values():
        checker.quote(quote)
    for entity in by_kind["entity"].values():
        checker.entity(entity)
    for entry in by_kind["entry"].values():
        checker.entry(entry)
    return CrossChecked(by_kind, checker.figures, checker.citations)


class _Checker:
    def __init__(
        self,
        by_kind: Mapping[str, Mapping[str, Record]],
        source_texts: Mapping[str, SourceText],
        problems: Problems,
    ) -> None:
        self.by_kind = by_kind
        self.source_texts = source_texts
        self.problems = problems
        self.figures: dict[str, frozenset[str]] = {}
        self.citations: dict[str, Citations] = {}
        self.questions: dict[str, dict[str, str]] = {}  # language -> folded question -> entry

    # -- helpers -----------------------------------------------------------------------

    def _error(self, record: Record, line: int, message: str) -> None:
        self.problems.error(record.file, line, f"{record.label()}: {message}")

    def _exists(self, record: Record, key: str, kind: str) -> bool:
        """Whether the id in ``record.values[key]`` names a record of ``kind``."""
        value = record.values[key]
        if value in self.by_kind[kind]:
            return True
        self._error(record, record.value_line(key), f"{key}: no {kind} with id {value!r}")
        return False

    def _labels(self, entry: Record, values: Mapping[str, object]) -> None:
        """The question each language shows on buttons (``label``, else the first phrasing)
        should read as a question: a warning, since a curator's draft still serves."""
        labels = values.get("label") or {}
        phrasings = values.get("questions") or {}
        assert isinstance(labels, Mapping) and isinstance(phrasings, Mapping)
        for lang, asked in phrasings.items():
            if lang in labels:
                shown, key, line = labels[lang], "label", entry.value_line("label", lang)
            elif asked:
                shown, key, line = asked[0], "questions", entry.value_line("questions", lang)
            else:
                continue
            problem = label_problem(str(shown))
            if problem is not None:
                hint = "" if key == "label" else f"; give the entry a label ({lang})"
                self.problems.warn(
                    entry.file,
                    line,
                    f"{entry.label()}: the question shown on buttons ({lang}) {shown!r}"
                    f" {problem}{hint}",
                )

    def _ids_exist(self, record: Record, key: str, kind: str) -> None:
        # Items were de-duplicated, so look lines up by the raw list position of each id.
        raw = record.data.get(key) or []
        for item in record.values.get(key, ()):
            if item not in self.by_kind[kind]:
                index = raw.index(item) if item in raw else None
                what = "related entry" if key == "related" else kind
                self._error(
                    record, record.value_line(key, index), f"{key}: no {what} with id {item!r}"
                )

    def _verbatim(self, record: Record, key: str, excerpt: str, line: int | None = None) -> None:
        source_id = record.values.get("source")
        if source_id is None or source_id not in self.by_kind["source"]:
            return
        text = self.source_texts.get(source_id)
        if text is None:  # the source file itself was refused; reported there
            return
        for segment in text.missing_segments(excerpt):
            shown = segment if len(segment) <= 80 else segment[:77] + "..."
            self._error(
                record,
                line or record.value_line(key),
                f"{key} does not occur verbatim in source {source_id!r}: {shown!r}",
            )

    # -- record kinds --------------------------------------------------------------------

    def source(self, source: Record) -> None:
        language, title = source.values.get("language"), source.values.get("title")
        if language and title is not None and language not in title:
            self._error(
                source,
                source.key_line("title"),
                f"title: missing the source's own language {language}",
            )

    def fact(self, fact: Record) -> None:
        values = fact.values
        if "source" in values:
            self._exists(fact, "source", "source")
        if "excerpt" in values:
            self._verbatim(fact, "excerpt", values["excerpt"])
        if "scope" in values and self._exists(fact, "scope", "entity"):
            scope = self.by_kind["entity"][values["scope"]]
            if scope.values.get("kind") not in (None, "place"):
                self._error(
                    fact, fact.value_line("scope"), f"scope: {values['scope']!r} is not a place"
                )
        self.figures[fact.id or ""] = self._fact_figures(fact)

    def _fact_figures(self, fact: Record) -> frozenset[str]:
        """The figures a fact carries; its value and statements may only repeat the excerpt's.

        A typo in a value or a translated statement would otherwise reach investors as a
        figure the source never stated. (A date value may add its month: "13. September
        2017" is 2017-09-13.)
        """
        values = fact.values
        value = values.get("value")
        on_file = set(figures_in(values.get("excerpt", "")))
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric and "excerpt" in values and not set(figures_of_value(value)) <= on_file:
            self._error(
                fact, fact.value_line("value"), f"value {value} does not occur in the excerpt"
            )
        on_file.update(figures_of_value(value))
        if "excerpt" in values:
            for lang, statement in values.get("statement", {}).items():
                stray = [f for f in dict.fromkeys(figures_in(statement)) if f not in on_file]
                if stray:
                    self._error(
                        fact,
                        fact.value_line("statement", lang),
                        f"statement ({lang}) states {', '.join(stray)}, which neither the "
                        "excerpt nor the value carries",
                    )
        return frozenset(on_file)

    def quote(self, quote: Record) -> None:
        values = quote.values
        if "speaker" in values and self._exists(quote, "speaker", "entity"):
            speaker = self.by_kind["entity"][values["speaker"]]
            if speaker.values.get("kind") not in (None, "person"):
                self._error(
                    quote,
                    quote.value_line("speaker"),
                    f"speaker: {values['speaker']!r} is not a person",
                )
        if "source" in values:
            self._exists(quote, "source", "source")
        original = values.get("original_language")
        if original and original in values.get("text", {}):
            line = quote.value_line("text", original)
            self._verbatim(quote, "text", values["text"][original], line)

    def entity(self, entity: Record) -> None:
        values = entity.values
        has_source, has_excerpt = "source" in values, "excerpt" in values
        if has_excerpt and not has_source:
            self._error(entity, entity.key_line("excerpt"), "excerpt needs a source")
        if has_source and self._exists(entity, "source", "source"):
            if has_excerpt:
                self._verbatim(entity, "excerpt", values["excerpt"])
            if "spelled_in_source" in values:
                self._verbatim(entity, "spelled_in_source", values["spelled_in_source"])
        if "within" in values:
            self._within(entity)

    def _within(self, entity: Record) -> None:
        """``within`` names another place, and following it never comes back (a cycle
        would make every place lie in every other)."""
        values, line = entity.values, entity.value_line("within")
        if values.get("kind") != "place":
            self._error(entity, line, "within: only a place lies within another place")
            return
        if not self._exists(entity, "within", "entity"):
            return
        seen, place = {entity.id}, values["within"]
        while place is not None:
            outer = self.by_kind["entity"].get(place)
            if outer is None:
                return  # reported where that place's own record is checked
            if outer.values.get("kind") != "place":
                self._error(entity, line, f"within: {place!r} is not a place")
                return
            if place in seen:
                self._error(entity, line, f"within: {entity.id!r} would lie within itself")
                return
            seen.add(place)
            place = outer.values.get("within")

    def entry(self, entry: Record) -> None:
        # Runs once per entry of the base: the common case (no placeholders, no figures)
        # skips whatever it can without a call.
        values = entry.values
        listed_facts: tuple[str, ...] = values.get("facts", ())
        listed_quotes: tuple[str, ...] = values.get("quotes", ())
        listed_entities: tuple[str, ...] = values.get("entities", ())
        related: tuple[str, ...] = values.get("related", ())
        for key, kind, listed in (
            ("facts", "fact", listed_facts),
            ("quotes", "quote", listed_quotes),
            ("entities", "entity", listed_entities),
            ("related", "entry", related),
        ):
            if listed:
                self._ids_exist(entry, key, kind)
        if entry.id in related:
            self._error(
                entry, entry.key_line("related"), "related: an entry cannot be related to itself"
            )
        if values.get("kind") != "small_talk":
            self._labels(entry, values)
        answers: dict[str, str] = values.get("answer", {})
        named: dict[str, list[str]] | None = None  # made for the first placeholder
        written: dict[str, tuple[str, ...]] = {}  # language -> figures written in the answer
        for lang, answer in answers.items():
            if "{" in answer or "}" in answer:
                if named is None:
                    named = {"fact": [], "quote": [], "entity": []}
                self._placeholders(entry, lang, answer, named)
            if ANY_DIGIT.search(answer) is not None:
                figures = figures_in(strip_placeholders(answer))
                if figures:
                    written[lang] = figures
        cited: Mapping[str, Sequence[str]] = named or _NOTHING_NAMED
        by_kind = self.by_kind
        facts = _merge(listed_facts, cited["fact"], by_kind["fact"])
        quotes = _merge(listed_quotes, cited["quote"], by_kind["quote"])
        entities = _merge(listed_entities, cited["entity"], by_kind["entity"])
        self.citations[entry.id or ""] = (
            Citations(facts, quotes, entities) if facts or quotes or entities else _NO_CITATIONS
        )
        if values.get("kind") == "small_talk":
            if listed_facts or listed_quotes or any(cited[k] for k in ("fact", "quote")):
                self._error(
                    entry,
                    entry.data.key_line("answer"),
                    f"{entry.label()}: small talk cites no fact or quote (it is the bot's own)",
                )
            for lang, answer in answers.items():
                if ANY_DIGIT.search(answer) is not None:
                    self._error(
                        entry,
                        entry.value_line("answer", lang),
                        f"answer ({lang}): small talk states no figure; remove the digits",
                    )
        elif answers and not (listed_facts or listed_quotes or cited["fact"] or cited["quote"]):
            self.problems.warn(
                entry.file,
                entry.data.key_line("answer"),
                f"{entry.label()}: the answer cites no source (no facts or quotes)",
            )
        if (
            written
            and len(facts) == len(set(listed_facts) | set(cited["fact"]))
            and len(quotes) == len(set(listed_quotes) | set(cited["quote"]))
        ):
            # (With a dangling reference the figures cannot be judged; that error says why.)
            self._figures(entry, written, facts, quotes)
        self._shared_questions(entry)

    def _placeholders(
        self, entry: Record, lang: str, answer: str, named: dict[str, list[str]]
    ) -> None:
        """Every placeholder of one answer names a record of its kind (collected in ``named``)."""
        line = entry.value_line("answer", lang)
        if stray_braces(answer):
            self._error(
                entry,
                line,
                f"answer ({lang}): a brace that is not part of a placeholder such as "
                "{value:FACT}",
            )
        for placeholder in find_placeholders(answer):
            target_kind = placeholder.target_kind
            if target_kind is None:
                self._error(
                    entry,
                    line,
                    f"answer ({lang}): unknown placeholder {placeholder.text} "
                    "(use value, fact, quote, speaker or entity)",
                )
                continue
            named[target_kind].append(placeholder.target)
            target = self.by_kind[target_kind].get(placeholder.target)
            if target is None:
                self._error(
                    entry,
                    line,
                    f"answer ({lang}): {placeholder.text} names no {target_kind} with id "
                    f"{placeholder.target!r}",
                )
                continue
            if placeholder.kind == "value" and target.values.get("value") is None:
                self._error(
                    entry,
                    line,
                    f"answer ({lang}): {placeholder.text}: fact {placeholder.target!r} "
                    "has no value (use {fact:...} for a statement)",
                )

    def _shared_questions(self, entry: Record) -> None:
        """Warn when two entries list the same question: no matcher can tell them apart."""
        entry_id = entry.id or ""
        questions = self.questions
        for lang, phrasings in entry.values.get("questions", {}).items():
            seen = questions.get(lang)
            if seen is None:
                seen = questions[lang] = {}
            for index, question in enumerate(phrasings):
                # Case, spacing and the closing question mark do not make another question.
                key = " ".join(question.casefold().split()).strip(_END_PUNCTUATION)
                owner = seen.setdefault(key, entry_id)
                if owner != entry_id:
                    raw = entry.data["questions"][lang]
                    line = raw.item_line(index) if isinstance(raw, YamlSequence) else entry.line
                    self.problems.warn(
                        entry.file,
                        line,
                        f"{entry.label()}: question {question!r} is also asked in entry {owner!r}",
                    )

    def _figures(
        self,
        entry: Record,
        written: Mapping[str, tuple[str, ...]],
        facts: tuple[str, ...],
        quotes: tuple[str, ...],
    ) -> None:
        """Every figure written in an answer (language -> figures) is carried by a cited record."""
        carried: set[str] = set()
        for fact_id in facts:
            carried |= self.figures.get(fact_id, frozenset())
        for quote_id in quotes:  # a verbatim quote that is cited is on file as well
            for quote_text in self.by_kind["quote"][quote_id].values.get("text", {}).values():
                carried.update(figures_in(quote_text))
        for lang, figures in written.items():
            stray = [f for f in dict.fromkeys(figures) if f not in carried]
            if stray:
                self._error(
                    entry,
                    entry.value_line("answer", lang),
                    f"answer ({lang}) states {', '.join(stray)}, which none of the entry's facts "
                    "carries (write {value:FACT} or cite the fact that has it)",
                )


_NO_CITATIONS = Citations((), (), ())
_NOTHING_NAMED: Mapping[str, Sequence[str]] = {"fact": (), "quote": (), "entity": ()}

_END_PUNCTUATION = " ?!.。？！"


def label_problem(label: str) -> str | None:
    """Why a question cannot be shown as it is on a button, or None when it can."""
    stripped = label.strip()
    if len(stripped) > MAX_LABEL_CHARS:
        return f"longer than {MAX_LABEL_CHARS} characters (a button shows about that many)"
    if not stripped.endswith(("?", "？")):
        return "does not end with a question mark"
    first = next((ch for ch in stripped if ch.isalpha()), "")
    if first.islower():  # kanji and kana have no case
        return "starts with a small letter"
    return None


def _merge(
    listed: tuple[str, ...], named: Sequence[str], known: Mapping[str, Record]
) -> tuple[str, ...]:
    if not listed and not named:
        return ()
    return tuple(i for i in dict.fromkeys([*listed, *named]) if i in known)
