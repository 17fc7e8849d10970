"""What an inline button carries: a compact, validated ``kind:value`` of at most 64 bytes.

Telegram returns callback data verbatim from the client, so it is untrusted input: a
forged or stale value must decode to ``None`` or resolve to nothing, never to an error.
Ids that would not fit (a long entry id, a topic name with spaces) travel as a short hash
(``kind#digest``) that is resolved against the base the button is pressed under.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from threading import Lock

MAX_BYTES = 64  # Telegram's limit for callback_data

QUESTION = "q"  # answer an entry
EXCERPT = "src"  # show the excerpts an entry's answer rests on
ENTITY_EXCERPT = "ent"  # show the excerpt behind what the base says about an entity
TOPIC = "t"  # list the questions of a topic
LANGUAGE = "lang"  # set the reply language ("auto" clears the override)
# An admin's answer to a work item of /unanswered: "TOKEN.ACTION". The token names a work
# item kept server-side (bot.curation.edit_log), so the data never carries an entry id.
CURATE = "cur"
KINDS = frozenset({QUESTION, EXCERPT, ENTITY_EXCERPT, TOPIC, LANGUAGE, CURATE})

_PLAIN_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DATA = re.compile(r"(?P<kind>[a-z]{1,4})(?P<sep>[:#])(?P<value>[A-Za-z0-9._-]{1,60})")
_DIGEST_BYTES = 9  # 12 characters of base64url; collisions within one base are negligible


@dataclass(frozen=True, slots=True)
class ButtonData:
    """Decoded callback data: what the button does and to what (an id, or its digest)."""

    kind: str
    value: str
    hashed: bool = False


def digest(value: str) -> str:
    raw = hashlib.blake2b(value.encode("utf-8"), digest_size=_DIGEST_BYTES).digest()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def encode(kind: str, value: str) -> str:
    """Callback data for ``kind`` and ``value``; always within 64 bytes."""
    if kind not in KINDS:
        raise ValueError(f"unknown button kind {kind!r}")
    plain = f"{kind}:{value}"
    if _PLAIN_VALUE.fullmatch(value) and len(plain.encode("utf-8")) <= MAX_BYTES:
        return plain
    return f"{kind}#{digest(value)}"


def decode(data: object) -> ButtonData | None:
    """The button behind ``data``, or None when it is not something this bot produced."""
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    match = _DATA.fullmatch(data)
    if match is None or match["kind"] not in KINDS:
        return None
    hashed = match["sep"] == "#"
    if hashed and len(match["value"]) != len(digest("")):
        return None
    return ButtonData(match["kind"], match["value"], hashed)


class DigestIndex:
    """Resolves hashed button values against a set of names, caching the last few sets."""

    def __init__(self, capacity: int = 8) -> None:
        self._capacity = capacity
        self._tables: OrderedDict[tuple[str, str], dict[str, str]] = OrderedDict()
        self._lock = Lock()

    def resolve(
        self, button: ButtonData, names: Collection[str], *, cache_key: tuple[str, str]
    ) -> str | None:
        """The name among ``names`` that ``button`` refers to, or None."""
        if not button.hashed:
            return button.value if button.value in names else None
        with self._lock:
            table = self._tables.get(cache_key)
            if table is None:
                table = {digest(name): name for name in names}
                self._tables[cache_key] = table
                while len(self._tables) > self._capacity:
                    self._tables.popitem(last=False)
            else:
                self._tables.move_to_end(cache_key)
        return table.get(button.value)
