"""The shape of every record kind: which keys it has, which are required, what type each holds.

Checking a record against its schema yields a ``Record``: the record's cleaned values
(strings, tuples, language -> text dicts) plus where each was written. Cross-record checks
(ids, references, excerpts, figures) live in ``knowledge.references``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.model import Problem
from knowledge.yaml_source import YamlMapping, YamlSequence

# top-level key -> record kind; ``base`` is a single mapping, the rest are lists of records
SECTIONS = {
    "base": "base",
    "sources": "source",
    "facts": "fact",
    "quotes": "quote",
    "entities": "entity",
    "entries": "entry",
}

QUALIFIERS = ("exact", "over", "about", "up_to")
ENTITY_KINDS = ("person", "organisation", "place", "company")
# "answer": a question the sources answer; "small_talk": a greeting, a thank-you, "who are
# you" and the like, answered by the bot itself, citing nothing and stating no figure.
ENTRY_KINDS = ("answer", "small_talk")

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2}(?:[T ][0-9:.+-]+Z?)?)?)?")


class Problems:
    """Collects errors and warnings while a base is checked, so all are reported at once.

    At most ``per_file`` errors are kept per file (a file of a million bad items would
    otherwise be a million lines in /reload's answer); ``finish`` adds one line per file
    saying how many more there were.
    """

    def __init__(self, per_file: int | None = None) -> None:
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self._per_file = per_file
        self._counted: dict[str, int] = {}
        self._last_line: dict[str, int] = {}

    def error(self, file: str, line: int, message: str) -> None:
        if self._per_file is not None:
            count = self._counted[file] = self._counted.get(file, 0) + 1
            self._last_line[file] = max(line, self._last_line.get(file, line))
            if count > self._per_file:
                return
        self.errors.append(Problem(file, line, message))

    def finish(self) -> None:
        """Say, per file, how many errors were left out (called once, after checking)."""
        for file, count in self._counted.items():
            if self._per_file is not None and count > self._per_file:
                self.errors.append(
                    Problem(
                        file,
                        self._last_line[file],
                        f"{count - self._per_file:,} more problems in this file "
                        f"(only the first {self._per_file} are listed)",
                    )
                )

    def warn(self, file: str, line: int, message: str) -> None:
        self.warnings.append(Problem(file, line, message, severity="warning"))


@dataclass(slots=True)
class Record:
    """One record that passed (or partly passed) its schema check."""

    kind: str
    file: str
    line: int
    data: YamlMapping
    values: dict[str, Any] = field(default_factory=dict)  # only the keys that were valid
    id: str | None = None  # set once the id passed its check

    def key_line(self, key: str) -> int:
        return self.data.key_line(key) if key in self.data else self.line

    def value_line(self, key: str, sub: Any = None) -> int:
        """The line of a value; with ``sub``, of the item (index) or language (key) inside it."""
        if key not in self.data:
            return self.line
        if sub is None:
            return self.data.value_line(key)
        inner = self.data[key]
        if isinstance(inner, YamlMapping):
            return inner.value_line(sub) if sub in inner else inner.line
        if isinstance(inner, YamlSequence) and isinstance(sub, int):
            return inner.item_line(sub)
        return self.data.value_line(key)

    def label(self) -> str:
        return f"{self.kind} {self.id!r}" if self.id else self.kind


class _Invalid(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Languages:
    """What the localized checks need to know about the base's languages."""

    declared: tuple[str, ...]  # empty when the base manifest is missing or broken
    extra: tuple[str, ...] = ()  # also allowed (a quote's original language)
    allowed: frozenset[str] = field(init=False)  # declared + extra, computed once

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowed", frozenset(self.declared) | frozenset(self.extra))


# A field check turns a raw value into a clean one or raises _Invalid. It gets the
# record's languages for the per-language fields.
Check = Callable[[Any, Languages], Any]


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a yes/no value ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _expected(what: str, value: Any) -> _Invalid:
    hint = " (put it in quotes)" if isinstance(value, bool | int | float) else ""
    return _Invalid(f"must be {what}, not {_type_name(value)}{hint}")


def text(value: Any, _: Languages) -> str:
    if not isinstance(value, str):
        raise _expected("text", value)
    if not value or value.isspace():  # what ``not value.strip()`` says, without a copy
        raise _Invalid("must not be empty")
    return value


def identifier(value: Any, _: Languages) -> str:
    if not isinstance(value, str):
        raise _expected("an id (text)", value)
    if not _ID.fullmatch(value):
        raise _Invalid(f"id {value!r} must be letters, digits, '-', '_' or '.' (no spaces)")
    return value


def language(value: Any, _: Languages) -> str:
    if not isinstance(value, str):
        raise _expected("a language code such as en", value)
    if not _LANGUAGE.fullmatch(value):
        raise _Invalid(f"{value!r} is not a language code such as en, de or ja")
    return value


def iso_date(value: Any, _: Languages) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise _Invalid(f"must be a date such as 2017-09-13 or 2017-09, not {value!r}")
    return value


def url(value: Any, _: Languages) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise _Invalid(f"must be an http(s) address, not {value!r}")
    return value


def figure(value: Any, _: Languages) -> int | float | str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _expected("a number or a date", value)
    if isinstance(value, str) and not value.strip():
        raise _Invalid("must not be empty")
    return value


def choice(options: Sequence[str]) -> Check:
    def check(value: Any, _: Languages) -> str:
        if value not in options:
            raise _Invalid(f"must be one of {', '.join(options)}, not {value!r}")
        return str(value)

    return check


def _all_texts(values: list[Any]) -> bool:
    """Whether every item passes ``text`` (one pass, no call per item): the common case."""
    for raw in values:
        if not isinstance(raw, str) or not raw or raw.isspace():
            break
    else:
        return True
    return False


def _sequence(item: Check, what: str, non_empty: bool = False) -> Check:
    def check(value: Any, languages: Languages) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _expected(f"a list of {what}", value)
        if non_empty and not value:
            raise _Invalid("must not be an empty list")
        if item is text and _all_texts(value):
            return tuple(value)
        out = []
        for index, raw in enumerate(value):
            try:
                out.append(item(raw, languages))
            except _Invalid as exc:
                line = value.item_line(index) if isinstance(value, YamlSequence) else None
                raise _Invalid(f"item {index + 1}: {exc.message}", line) from None
        return tuple(out)

    return check


_identifiers = _sequence(identifier, "ids")


def ids(value: Any, languages: Languages) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_identifiers(value, languages)))


texts = _sequence(text, "texts")


def _per_language(item: Check, what: str, every_base: bool, require_extra: bool = False) -> Check:
    """A mapping language -> value. ``every_base``: each declared language is required and no
    others are allowed (besides ``Languages.extra``); otherwise any languages, at least one.
    ``require_extra``: the extra languages are required too (a quote's original)."""

    def check(value: Any, languages: Languages) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise _expected(f"a mapping of language to {what}", value)
        out: dict[str, Any] = {}
        problems: list[_Invalid] = []
        restricted = every_base and bool(languages.declared)
        allowed = languages.allowed
        for key, raw in value.items():
            if not isinstance(key, str) or (restricted and key not in allowed):
                problems.append(_language_key_problem(value, key, languages))
                continue
            try:
                out[key] = item(raw, languages)
            except _Invalid as exc:
                vline = value.value_line(key) if isinstance(value, YamlMapping) else None
                problems.append(_Invalid(f"{key}: {exc.message}", exc.line or vline))
        if problems:
            raise _Many(problems)
        if not (every_base and value and value.keys() >= languages.allowed):  # else none missing
            required = languages.declared if every_base else ()
            missing = [lang for lang in required if lang not in value]
            if require_extra:
                missing += [x for x in languages.extra if x not in value and x not in required]
            if missing:
                raise _Invalid(f"missing language {', '.join(missing)}")
            if not value:
                raise _Invalid(f"needs {what} in at least one language")
        return out

    return check


def _language_key_problem(value: dict[Any, Any], key: Any, languages: Languages) -> _Invalid:
    line = value.key_line(key) if isinstance(value, YamlMapping) else None
    if not isinstance(key, str):
        hint = " (put it in quotes)" if isinstance(key, bool | int | float) else ""
        return _Invalid(f"language {key!r} is not a language code{hint}", line)
    return _Invalid(
        f"language {key!r} is not one of the base languages ({', '.join(languages.declared)})",
        line,
    )


class _Many(_Invalid):
    def __init__(self, problems: list[_Invalid]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


localized = _per_language(text, "text", every_base=True)


def units(value: Any, languages: Languages) -> dict[str, dict[str, str]]:
    """unit name -> language -> the counter written after a figure of it (社, 人, 名)."""
    if not isinstance(value, dict):
        raise _expected("a mapping of unit to counters per language", value)
    out: dict[str, dict[str, str]] = {}
    for unit, counters in value.items():
        if not isinstance(unit, str):
            raise _Invalid(f"unit {unit!r} is not a name")
        out[unit] = named(counters, languages)
    return out


localized_with_original = _per_language(text, "text", every_base=True, require_extra=True)
named = _per_language(text, "text", every_base=False)
questions = _per_language(
    _sequence(text, "questions", non_empty=True), "questions", every_base=True
)


def languages_list(value: Any, languages: Languages) -> tuple[str, ...]:
    codes = _sequence(language, "language codes", non_empty=True)(value, languages)
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            line = value.item_line(index) if isinstance(value, YamlSequence) else None
            raise _Invalid(f"language {code!r} is listed twice", line)
        seen.add(code)
    return codes


@dataclass(frozen=True, slots=True)
class Field:
    check: Check
    required: bool = False


SCHEMAS: dict[str, dict[str, Field]] = {
    "base": {
        "title": Field(text, required=True),
        "languages": Field(languages_list, required=True),
        "units": Field(units),
    },
    "source": {
        "id": Field(identifier, required=True),
        "file": Field(text, required=True),
        "language": Field(language, required=True),
        "title": Field(named, required=True),
        "citation": Field(localized, required=True),
        "date": Field(iso_date),
        "place": Field(text),
        "publishers": Field(texts),
        "url": Field(url),
    },
    "fact": {
        "id": Field(identifier, required=True),
        "source": Field(identifier, required=True),
        "excerpt": Field(text, required=True),
        "statement": Field(localized, required=True),
        "value": Field(figure),
        "qualifier": Field(choice(QUALIFIERS)),
        "unit": Field(text),
        "scope": Field(identifier),
        "as_of": Field(iso_date),
    },
    "quote": {
        "id": Field(identifier, required=True),
        "speaker": Field(identifier, required=True),
        "source": Field(identifier, required=True),
        "original_language": Field(language, required=True),
        "text": Field(localized_with_original, required=True),
        "role": Field(localized, required=True),
    },
    "entity": {
        "id": Field(identifier, required=True),
        "kind": Field(choice(ENTITY_KINDS), required=True),
        "name": Field(named, required=True),
        "aliases": Field(texts),
        "spelled_in_source": Field(text),
        "tags": Field(_sequence(identifier, "tags")),
        "within": Field(identifier),
        "source": Field(identifier),
        "excerpt": Field(text),
        "description": Field(localized),
    },
    "entry": {
        "id": Field(identifier, required=True),
        "questions": Field(questions, required=True),
        "label": Field(named),
        "answer": Field(localized, required=True),
        "facts": Field(ids),
        "quotes": Field(ids),
        "entities": Field(ids),
        "related": Field(ids),
        "topic": Field(text),
        "kind": Field(choice(ENTRY_KINDS)),
    },
}


# kind -> (key, check, required) in schema order: the loop below runs once per record
_FIELDS = {
    kind: tuple((key, spec.check, spec.required) for key, spec in schema.items())
    for kind, schema in SCHEMAS.items()
}


def check_record(
    kind: str, file: str, data: Any, line: int, languages: Languages, problems: Problems
) -> Record | None:
    """Check one record's keys and value types; every problem goes to ``problems``."""
    if not isinstance(data, YamlMapping):
        noun = "the base manifest" if kind == "base" else f"a {kind}"
        problems.error(file, line, f"{noun} must be a mapping of keys, not {_type_name(data)}")
        return None
    schema = SCHEMAS[kind]
    record = Record(kind, file, data.line, data)
    if kind == "quote" and isinstance(data.get("original_language"), str):
        languages = Languages(languages.declared, (data["original_language"],))
    if not data.keys() <= schema.keys():
        for key in data:
            if key not in schema:
                problems.error(
                    file,
                    data.key_line(key),
                    f"{_where(kind, data)}: unknown key {key!r} (allowed: {', '.join(schema)})",
                )
    values, get = record.values, data.get
    for key, check, required in _FIELDS[kind]:
        value = get(key)
        if value is None:  # absent, or written as null / left empty
            if required:
                problems.error(
                    file, data.key_line(key), f"{_where(kind, data)}: missing required key {key!r}"
                )
            continue
        try:
            values[key] = check(value, languages)
        except _Many as many:
            where = _where(kind, data)
            for one in many.problems:
                problems.error(
                    file, one.line or data.key_line(key), f"{where}: {key}: {one.message}"
                )
        except _Invalid as exc:
            problems.error(
                file, exc.line or data.key_line(key), f"{_where(kind, data)}: {key}: {exc.message}"
            )
    record.id = values.get("id")
    return record


def _where(kind: str, data: YamlMapping) -> str:
    """How messages name a record: by its id as written, if it has one."""
    raw_id = data.get("id")
    return f"{kind} {raw_id!r}" if isinstance(raw_id, str) else kind
