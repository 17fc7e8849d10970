"""Answer placeholders: ``{value:FACT}``, ``{fact:FACT}``, ``{quote:QUOTE}``, ``{speaker:QUOTE}``,
``{entity:ENTITY}``. The loader checks them; the reply builder fills them in."""

from __future__ import annotations

import re
from dataclasses import dataclass

# placeholder kind -> the kind of record it names
PLACEHOLDER_TARGETS = {
    "value": "fact",
    "fact": "fact",
    "quote": "quote",
    "speaker": "quote",
    "entity": "entity",
}

PLACEHOLDER = re.compile(r"\{([A-Za-z_]+):([^{}\s]+)\}")


@dataclass(frozen=True, slots=True)
class Placeholder:
    kind: str  # "value", "fact", "quote", "speaker", "entity" (or an unknown word, for errors)
    target: str  # the id it names
    text: str  # as written, e.g. "{value:companies-nrw}"

    @property
    def target_kind(self) -> str | None:
        return PLACEHOLDER_TARGETS.get(self.kind)


def find_placeholders(text: str) -> tuple[Placeholder, ...]:
    if "{" not in text:
        return ()
    return tuple(
        Placeholder(m.group(1), m.group(2), m.group(0)) for m in PLACEHOLDER.finditer(text)
    )


def strip_placeholders(text: str) -> str:
    """The text with every placeholder replaced by a space (what the curator wrote by hand)."""
    if "{" not in text:
        return text
    return PLACEHOLDER.sub(" ", text)


def stray_braces(text: str) -> bool:
    """Whether braces remain that are not part of a well-formed placeholder."""
    rest = strip_placeholders(text)
    return "{" in rest or "}" in rest
