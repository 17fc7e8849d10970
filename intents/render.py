"""Turning an entry into reply text: placeholders filled, figures and dates written per language.

Figures live once, in the facts; answers name them (``{value:companies-ohio}``) and this
module writes them the way each language does: "13,752" / "13.752", "over 600" /
"über 600" / "600以上". Quotes that are translations say so.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from intents.formats import format_date, format_number, language_name
from intents.reply import SourceRef
from intents.texts import REPLIES, text
from knowledge import Entry, Evidence, Fact, KnowledgeBase, Language, Quote
from knowledge.placeholders import PLACEHOLDER


def localized(values: Mapping[Language, str], language: Language, fallback: Language) -> str:
    """The text in ``language``, else in ``fallback``, else in any language there is."""
    if language in values:
        return values[language]
    if fallback in values:
        return values[fallback]
    return next(iter(values.values()), "")


def format_value(fact: Fact, language: Language, counter: str = "") -> str:
    """The figure as the language writes it, with its qualifier and the unit's counter
    where the language counts with one ("600社以上", "13,752人以上", "384社")."""
    value = fact.value
    if value is None:
        return ""
    if isinstance(value, bool):
        written = str(value)
    elif isinstance(value, int | float):
        written = format_number(value, language) + counter
    else:
        written = format_date(str(value), language)
    qualified = f"qualifier.{fact.qualifier}"  # "exact" has none
    return text(qualified, language, number=written) if qualified in REPLIES else written


class Renderer:
    """Fills an entry's answer in one language; knows the base it renders from."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def _text(self, values: Mapping[Language, str], language: Language) -> str:
        return localized(values, language, self.kb.default_language)

    def quote(self, quote: Quote, language: Language) -> str:
        shown = language if language in quote.text else quote.original_language
        written = quote.text[shown].strip()
        if not quote.is_translation(shown):
            return text("quoted", language, quote=written)
        original = language_name(quote.original_language, language)
        return text("quoted_translation", language, quote=written, source_language=original)

    def speaker(self, quote: Quote, language: Language) -> str:
        person = self.kb.entities.get(quote.speaker)
        name = self._text(person.name, language) if person else quote.speaker
        role = self._text(quote.role, language) if quote.role else ""
        return text("speaker_role", language, name=name, role=role) if role else name

    def _fill(self, match: re.Match[str], language: Language) -> str:
        kind, ref = match.group(1), match.group(2)
        kb = self.kb
        if kind == "value" and ref in kb.facts:
            fact = kb.facts[ref]
            counter = kb.units.get(fact.unit or "", {}).get(language, "")
            return format_value(fact, language, counter)
        if kind == "fact" and ref in kb.facts:
            return self._text(kb.facts[ref].statement, language)
        if kind == "quote" and ref in kb.quotes:
            return self.quote(kb.quotes[ref], language)
        if kind == "speaker" and ref in kb.quotes:
            return self.speaker(kb.quotes[ref], language)
        if kind == "entity" and ref in kb.entities:
            return self._text(kb.entities[ref].name, language)
        return match.group(0)

    def answer(self, entry: Entry, language: Language) -> str:
        """The entry's answer with placeholders filled, plus the date of its figures."""
        body = PLACEHOLDER.sub(
            lambda m: self._fill(m, language), self._text(entry.answer, language)
        )
        as_of = self.as_of(entry, language)
        if as_of and as_of not in body:
            body = f"{body.rstrip()}\n{text('as_of', language, date=as_of)}"
        return body.strip()

    def as_of(self, entry: Entry, language: Language) -> str:
        dates = sorted(
            {self.kb.facts[f].as_of for f in entry.facts if self.kb.facts[f].as_of},
            key=str,
        )
        return " / ".join(format_date(str(d), language) for d in dates)

    def sources(self, evidence: tuple[Evidence, ...], language: Language) -> tuple[SourceRef, ...]:
        refs = []
        for ev in evidence:
            source = self.kb.sources.get(ev.source_id)
            citation = self._text(source.citation, language) if source else ev.source_id
            refs.append(SourceRef(ev.source_id, citation, ev.excerpt))
        return tuple(refs)

    def entry_sources(self, entry: Entry, language: Language) -> tuple[SourceRef, ...]:
        return self.sources(self.kb.evidence_of(entry), language)

    def entity_name(self, entity_id: str, language: Language) -> str:
        entity = self.kb.entities[entity_id]
        return self._text(entity.name, language)
