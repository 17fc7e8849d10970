"""Loading a knowledge base directory into the immutable model, or saying everything wrong with it.

``load_knowledge(directory)`` reads every ``*.yaml`` file under the directory (sorted by
path), checks each record's shape (``knowledge.schema``), then the references between
records (``knowledge.references``), and only when nothing is wrong builds the frozen
``KnowledgeBase``. Problems are collected, never raised one by one: a curator fixes a
base in one round. The loader never exits the process; callers decide what to do.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

from knowledge.limits import DEFAULT_LIMITS, Limits
from knowledge.model import (
    Entity,
    Entry,
    Evidence,
    Fact,
    KnowledgeBase,
    KnowledgeError,
    Origin,
    Problem,
    Quote,
    Source,
)
from knowledge.references import Citations, CrossChecked, cross_check
from knowledge.schema import SECTIONS, Languages, Problems, Record, check_record
from knowledge.verbatim import SourceText
from knowledge.yaml_source import (
    NodeBudget,
    YamlMapping,
    YamlProblem,
    YamlSequence,
    read_text,
    read_yaml,
)

# The record kinds listed under top-level keys (``base`` is the single manifest).
_KINDS = tuple(kind for kind in SECTIONS.values() if kind != "base")


# Called with the name of each file just before it is read (a child process loading a base
# for /reload says which file it was on when it ran out of memory).
Progress = Callable[[str], object]


def load_knowledge(
    directory: str | Path,
    *,
    max_file_bytes: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> KnowledgeBase:
    """The validated base in ``directory``; raises ``KnowledgeError`` listing every problem.

    Warnings (e.g. an answer that cites no source) do not stop loading; they are on
    ``KnowledgeBase.warnings``.
    """
    base, problems = check_knowledge(
        directory, max_file_bytes=max_file_bytes, limits=limits, progress=progress
    )
    if base is None:
        raise KnowledgeError(tuple(p for p in problems if p.severity == "error"))
    return base


_VALUE_PLACEHOLDER = re.compile(r"\{value:([^}]+)\}")


def counters_written_twice(base: KnowledgeBase) -> list[Problem]:
    """An answer that writes a unit's counter after ``{value:X}`` ("{value:x}社"), where
    the base's ``units`` already add it: the reply would read "384社社"."""
    found = []
    for entry in base.entries.values():
        for language, answer in entry.answer.items():
            for match in _VALUE_PLACEHOLDER.finditer(answer):
                fact = base.facts.get(match.group(1))
                counter = base.units.get(fact.unit or "", {}).get(language) if fact else None
                if counter and answer[match.end() :].startswith(counter):
                    origin = entry.origin
                    found.append(
                        Problem(
                            origin.file if origin else "",
                            origin.line if origin else 0,
                            f"entry {entry.id!r}: answer ({language}) writes {counter!r} after"
                            f" {match.group(0)}; the unit {fact.unit!r} adds it already"
                            if fact
                            else "",
                        )
                    )
    return found


def check_knowledge(
    directory: str | Path,
    *,
    max_file_bytes: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
) -> tuple[KnowledgeBase | None, tuple[Problem, ...]]:
    """The base (or None when it has errors) and every problem found, errors first.

    ``limits`` bound what is read at all (``knowledge.limits``); ``max_file_bytes``, when
    given, replaces its per-file bound.
    """
    if max_file_bytes is not None:
        limits = dataclasses.replace(limits, max_file_bytes=max_file_bytes)
    problems = Problems(limits.max_problems_per_file)
    with _collector_paused():
        loaded = _Loading(Path(directory), problems, limits, progress)
        loaded.run()
        problems.finish()
        base = None if problems.errors else loaded.build(tuple(problems.warnings))
        if base is not None:
            counted = counters_written_twice(base)
            if counted:
                problems.errors.extend(counted)
                base = None
        # Drop the YAML data and records now, while the collector is still paused: what
        # survives the pause is then only the base, and that is all it will ever scan.
        del loaded
    if base is None:
        errors = sorted(
            problems.errors, key=lambda p: (p.file, p.line)
        )  # stable: same-line order kept
        return None, tuple(errors) + tuple(problems.warnings)
    return base, base.warnings


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a base is read.

    Loading allocates hundreds of thousands of small acyclic objects (YAML nodes, then
    our dicts and lists); each allocation burst triggers full collections that rescan all
    of them, which more than doubled the load time of a 10,000-entry base. Nothing built
    here forms cycles, so reference counting frees it all the same. Building the model
    happens inside the pause too, and everything else is released before it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Loading:
    """The state of one load: files read, records found, texts of sources."""

    def __init__(
        self, root: Path, problems: Problems, limits: Limits, progress: Progress | None
    ) -> None:
        self.root = root
        self.problems = problems
        self.limits = limits
        self.max_file_bytes = limits.max_file_bytes
        self.progress = progress
        self.budget = NodeBudget(limits.max_nodes)
        self.bytes_left = limits.max_total_bytes
        self.digest = hashlib.sha256()
        self.manifest: Record | None = None
        self.languages: tuple[str, ...] = ()
        self.records: dict[str, list[Record]] = {kind: [] for kind in _KINDS}
        self.source_texts: dict[str, SourceText] = {}
        self.checked: CrossChecked | None = None

    def _name(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def run(self) -> None:
        if not self.root.is_dir():
            self.problems.error(str(self.root), 0, "no such directory")
            return
        files = sorted((self._name(p), p) for p in self.root.rglob("*.yaml") if p.is_file())
        if not files:
            self.problems.error(str(self.root), 0, "no *.yaml files in this directory")
            return
        documents: list[tuple[str, YamlMapping]] = []
        unreadable = 0
        limit = self.limits.max_files
        if len(files) > limit:
            self.problems.error(
                files[limit][0],
                1,
                f"more than {limit} YAML files in the base, the limit: this file and the "
                f"{len(files) - limit - 1} after it were not read",
            )
            files = files[:limit]
            unreadable += 1
        root = self.root.resolve()
        for name, path in files:
            refused = self._refused(path, root)
            if refused is not None:
                self.problems.error(name, refused.line, refused.message)
                unreadable += 1
                continue
            if self.progress is not None:
                self.progress(name)
            read = read_yaml(path, self.max_file_bytes, limits=self.limits, budget=self.budget)
            self.bytes_left -= len(read.raw)
            self._hash(name, read.raw)
            for problem in read.problems:
                self.problems.error(name, problem.line, problem.message)
            if read.data is None:
                unreadable += bool(read.problems)
                if not read.problems:
                    self.problems.warn(name, 1, "the file is empty")
                continue
            if not isinstance(read.data, YamlMapping):
                self.problems.error(
                    name,
                    getattr(read.data, "line", 1),
                    "a base file must be a mapping with keys such as facts: or entries:",
                )
                continue
            documents.append((name, read.data))
        # The manifest first: its languages decide what every localized field needs.
        for name, data in documents:
            if "base" in data:
                self._manifest(name, data)
        if not unreadable and not any("base" in d for _, d in documents):
            # (A file that could not be read may be the one holding it: that is reported.)
            self.problems.error(
                ".", 0, "no file holds the base manifest (base: with title and languages)"
            )
        for name, data in documents:
            self._sections(name, data)
        self._read_sources()
        self.checked = cross_check(self.records, self.source_texts, self.problems)

    def _refused(self, path: Path, root: Path) -> YamlProblem | None:
        """Why a file is not read at all: a link out of the base, or over the total size.

        A link is resolved and refused (never opened) when it leads outside the base, as
        for source files, so nothing of such a file ever reaches a problem message.
        """
        try:
            resolved = path.resolve()
            size = resolved.stat().st_size
        except (OSError, RuntimeError):  # a link loop, or gone since listing
            return YamlProblem(1, "cannot read file: a broken or looping link")
        if not resolved.is_relative_to(root):
            return YamlProblem(1, "a link to a file outside the base directory: refused, not read")
        if size > self.bytes_left:
            total = self.limits.max_total_bytes
            return YamlProblem(
                1,
                f"the base's files come to more than {total:,} bytes in all, the limit: "
                "this file was not read",
            )
        return None

    def _hash(self, name: str, raw: bytes) -> None:
        # Length-prefixed so that moving bytes between files changes the fingerprint too.
        encoded = name.encode("utf-8")
        self.digest.update(len(encoded).to_bytes(4, "big") + encoded)
        self.digest.update(len(raw).to_bytes(8, "big") + raw)

    def _manifest(self, name: str, data: YamlMapping) -> None:
        line = data.key_line("base")
        if self.manifest is not None:
            self.problems.error(
                name,
                line,
                f"a second base manifest (the first is at {self.manifest.file}:"
                f"{self.manifest.line})",
            )
            return
        record = check_record("base", name, data["base"], line, Languages(()), self.problems)
        if record is None:
            return
        self.manifest = record
        languages = record.values.get("languages")
        if languages:
            self.languages = languages

    def _sections(self, name: str, data: YamlMapping) -> None:
        languages = Languages(self.languages)
        for key, value in data.items():
            kind = SECTIONS.get(key) if isinstance(key, str) else None
            if kind is None:
                self.problems.error(
                    name,
                    data.key_line(key),
                    f"unknown top-level key {key!r} (allowed: {', '.join(SECTIONS)})",
                )
                continue
            if kind == "base" or value is None:
                continue
            if not isinstance(value, YamlSequence):
                self.problems.error(
                    name,
                    data.key_line(key),
                    f"{key} must be a list of records (each starting with -)",
                )
                continue
            records = self.records[kind]
            for index, item in enumerate(value):
                record = check_record(
                    kind, name, item, value.item_line(index), languages, self.problems
                )
                if record is not None:
                    records.append(record)

    def _read_sources(self) -> None:
        root = self.root.resolve()
        for record in self.records["source"]:
            relative = record.values.get("file")
            if relative is None or record.id is None:
                continue
            path = (self.root / relative).resolve()
            line = record.value_line("file")
            if not path.is_relative_to(root):
                self.problems.error(
                    record.file,
                    line,
                    f"{record.label()}: file {relative!r} is outside the base directory",
                )
                continue
            if not path.is_file():
                self.problems.error(
                    record.file, line, f"{record.label()}: file {relative!r} does not exist"
                )
                continue
            over = self._refused(path, root)
            if over is not None:
                self.problems.error(self._name(self.root / relative), over.line, over.message)
                continue
            if self.progress is not None:
                self.progress(self._name(self.root / relative))
            raw, text, problem = read_text(path, self.max_file_bytes)
            self.bytes_left -= len(raw)
            self._hash(path.relative_to(root).as_posix(), raw)
            if problem is not None:
                self.problems.error(self._name(self.root / relative), problem.line, problem.message)
                continue
            self.source_texts.setdefault(record.id, SourceText(text))

    # -- building the model ----------------------------------------------------------------

    def build(self, warnings: tuple[Problem, ...]) -> KnowledgeBase:
        assert self.manifest is not None and self.checked is not None
        records = self.checked.records
        figures = self.checked.figures
        citations = self.checked.citations
        sources = {i: self._source(r) for i, r in records["source"].items()}
        facts = {i: self._fact(r, figures[i]) for i, r in records["fact"].items()}
        quotes = {i: self._quote(r) for i, r in records["quote"].items()}
        entities = {i: self._entity(r) for i, r in records["entity"].items()}
        entries = {i: self._entry(r, citations[i]) for i, r in records["entry"].items()}
        return KnowledgeBase(
            title=self.manifest.values["title"],
            units=_frozen(
                {u: _frozen(c) for u, c in self.manifest.values.get("units", {}).items()}
            ),
            languages=self.languages,
            sources=_frozen(sources),
            facts=_frozen(facts),
            quotes=_frozen(quotes),
            entities=_frozen(entities),
            entries=_frozen(entries),
            directory=str(self.root),
            fingerprint=self.digest.hexdigest(),
            warnings=warnings,
        )

    @staticmethod
    def _origin(record: Record) -> Origin:
        return Origin(record.file, record.line)

    def _source(self, r: Record) -> Source:
        v = r.values
        return Source(
            id=v["id"],
            title=_frozen(v["title"]),
            publishers=tuple(v.get("publishers", ())),
            place=v.get("place", ""),
            date=v.get("date", ""),
            language=v["language"],
            text=self.source_texts[v["id"]].text,
            citation=_frozen(v["citation"]),
            url=v.get("url"),
            origin=self._origin(r),
        )

    def _fact(self, r: Record, figures: frozenset[str]) -> Fact:
        v = r.values
        return Fact(
            id=v["id"],
            statement=_frozen(v["statement"]),
            evidence=Evidence(v["source"], v["excerpt"]),
            value=v.get("value"),
            qualifier=v.get("qualifier", "exact"),
            unit=v.get("unit"),
            scope=v.get("scope"),
            as_of=v.get("as_of"),
            figures=figures,
            origin=self._origin(r),
        )

    def _quote(self, r: Record) -> Quote:
        v = r.values
        original = v["original_language"]
        return Quote(
            id=v["id"],
            speaker=v["speaker"],
            text=_frozen(v["text"]),
            original_language=original,
            role=_frozen(v["role"]),
            evidence=Evidence(v["source"], v["text"][original]),
            origin=self._origin(r),
        )

    def _entity(self, r: Record) -> Entity:
        v = r.values
        evidence = Evidence(v["source"], v["excerpt"]) if "excerpt" in v else None
        return Entity(
            id=v["id"],
            kind=v["kind"],
            name=_frozen(v["name"]),
            aliases=tuple(v.get("aliases", ())),
            description=_frozen(v.get("description", {})),
            evidence=evidence,
            spelled_in_source=v.get("spelled_in_source"),
            tags=tuple(v.get("tags", ())),
            within=v.get("within"),
            origin=self._origin(r),
        )

    def _entry(self, r: Record, cited: Citations) -> Entry:
        v = r.values
        return Entry(
            id=v["id"],
            questions=_frozen(v["questions"]),  # the schema check made each list a tuple
            answer=_frozen(v["answer"]),
            facts=cited.facts,
            quotes=cited.quotes,
            entities=cited.entities,
            related=tuple(v.get("related", ())),
            topic=v.get("topic"),
            origin=self._origin(r),
            kind=v.get("kind", "answer"),
            label=_frozen(v.get("label", {})),
        )


def _frozen(mapping: Mapping[str, Any]) -> MappingProxyType[str, Any]:
    # A proxy over a private copy: nobody holds the dict underneath, so nobody can change it.
    return MappingProxyType(dict(mapping))
