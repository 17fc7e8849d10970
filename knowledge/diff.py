"""What changed between two loads of a base, by record id: shown to the admin after ``/reload``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.model import KnowledgeBase

KINDS = ("entries", "facts", "quotes", "entities", "sources")


@dataclass(frozen=True, slots=True)
class KindDiff:
    """Ids of one kind of record added, removed or changed; ``total`` counts the new base."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    total: int = 0

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True, slots=True)
class BaseDiff:
    """Per kind of record what changed, plus the title and languages when they changed."""

    entries: KindDiff
    facts: KindDiff
    quotes: KindDiff
    entities: KindDiff
    sources: KindDiff
    title: tuple[str, str] | None = None  # (old, new) when it changed
    languages: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (old, new) when changed

    @property
    def unchanged(self) -> bool:
        return not (self.title or self.languages or any(getattr(self, k) for k in KINDS))

    def summary(self) -> str:
        """Plain text, one line per kind, e.g. ``entries: 42 (+1 -0 ~2) + new-id ~ edited-id``."""
        if self.unchanged:
            return "no changes"
        lines = []
        if self.title:
            lines.append(f"title: {self.title[0]!r} -> {self.title[1]!r}")
        if self.languages:
            lines.append(
                f"languages: {', '.join(self.languages[0])} -> {', '.join(self.languages[1])}"
            )
        for kind in KINDS:
            change: KindDiff = getattr(self, kind)
            line = (
                f"{kind}: {change.total} (+{len(change.added)} -{len(change.removed)} "
                f"~{len(change.changed)})"
            )
            for sign, ids in (("+", change.added), ("-", change.removed), ("~", change.changed)):
                if ids:
                    line += f" {sign} " + ", ".join(ids)
            lines.append(line)
        return "\n".join(lines)


def diff_bases(old: KnowledgeBase, new: KnowledgeBase) -> BaseDiff:
    """Records added, removed and changed between ``old`` and ``new``, by id.

    A record that only moved (a different ``origin``, in its file or to another) is not a change.
    """
    kinds = {kind: _diff_kind(getattr(old, kind), getattr(new, kind)) for kind in KINDS}
    return BaseDiff(
        **kinds,
        title=(old.title, new.title) if old.title != new.title else None,
        languages=(old.languages, new.languages) if old.languages != new.languages else None,
    )


def _diff_kind(old: Mapping[str, Any], new: Mapping[str, Any]) -> KindDiff:
    added = tuple(i for i in new if i not in old)
    removed = tuple(i for i in old if i not in new)
    changed = tuple(i for i in new if i in old and _content(old[i]) != _content(new[i]))
    return KindDiff(added, removed, changed, total=len(new))


def _content(record: Any) -> Any:
    return dataclasses.replace(record, origin=None)
