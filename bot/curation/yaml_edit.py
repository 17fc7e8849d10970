"""Adding a phrasing to (or taking one from) an entry's YAML text, the rest of the file untouched.

ruamel.yaml's round-trip mode does the writing: it keeps comments, key order and quoting,
and it emits the new item with the indentation and style of its list (a flow list
``en: [a, b]`` becomes ``en: [a, b, new]``). It does not keep every line break, though: a
flow list that a curator wrapped over several lines comes out as one line, wherever it
is in the file. So only the lines of the edited list are taken from ruamel's output, and
every other line is copied from the original, byte for byte (``_splice``). The result is
read back and must hold exactly the edited data; where the splice cannot achieve that,
ruamel's whole output is used (valid and equal in content, only re-wrapped).

This module writes text only. Reading the base stays on ``knowledge``'s safe loader, which
validates every edit before it lands (``bot.curation.curator``).
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

# Lines ruamel may write before it folds a scalar: far beyond any phrasing (the question log
# keeps 1,000 characters), so a new phrasing always stays on one line, as curators write them.
_NO_FOLDING = 1_000_000


class EditError(ValueError):
    """The file does not hold the entry or the list to edit, or is not YAML ruamel can read."""


def add_phrasing(text: str, entry_id: str, language: str, phrasing: str) -> str:
    """``text`` with ``phrasing`` appended to the ``language`` questions of ``entry_id``."""

    def append(questions: CommentedMap) -> None:
        existing = questions.get(language)
        if existing is None:
            questions[language] = CommentedSeq([phrasing])
        elif isinstance(existing, list):
            existing.append(phrasing)
        else:
            raise EditError(f"entry {entry_id!r}: questions.{language} is not a list")

    return _edit(text, entry_id, language, append)


def remove_phrasing(text: str, entry_id: str, language: str, phrasing: str) -> str:
    """``text`` without the last occurrence of ``phrasing`` in ``entry_id``'s questions."""

    def remove(questions: CommentedMap) -> None:
        existing = questions.get(language)
        if not isinstance(existing, list) or phrasing not in existing:
            raise EditError(f"entry {entry_id!r} has no {language} phrasing {phrasing!r}")
        del existing[len(existing) - 1 - existing[::-1].index(phrasing)]

    return _edit(text, entry_id, language, remove)


def _yaml(text: str) -> tuple[YAML, Any]:
    """A round-trip YAML set to the file's own indentation, and the file's data read with it."""
    try:
        # Returns the indentation of block sequences (dash included) and the dash's offset.
        _, indent, block_seq_indent = load_yaml_guess_indent(text)
        yaml = YAML()  # round-trip
        yaml.preserve_quotes = True
        yaml.width = _NO_FOLDING
        sequence = indent or 2
        offset = block_seq_indent or 0
        yaml.indent(mapping=max(sequence - offset, 1), sequence=sequence, offset=offset)
        return yaml, yaml.load(text)
    except YAMLError as error:
        raise EditError(f"not YAML that can be edited: {error}") from None


def _questions(data: Any, entry_id: str) -> CommentedMap:
    entries = data.get("entries") if isinstance(data, CommentedMap) else None
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, CommentedMap) and entry.get("id") == entry_id:
            questions = entry.get("questions")
            if not isinstance(questions, CommentedMap):
                raise EditError(f"entry {entry_id!r} has no questions mapping")
            return questions
    raise EditError(f"this file holds no entry {entry_id!r}")


def _region(data: Any, entry_id: str, language: str) -> tuple[int, int]:
    """First and last line (0-based) of the ``language`` list of the entry, key included."""
    questions = _questions(data, entry_id)
    first = questions.lc.key(language)[0]
    items = questions[language]
    last = items.lc.item(len(items) - 1)[0] if items else first
    return first, max(first, last)


def _edit(text: str, entry_id: str, language: str, change: Callable[[CommentedMap], None]) -> str:
    yaml, data = _yaml(text)
    change(_questions(data, entry_id))
    out = io.StringIO()
    yaml.dump(data, out)
    dumped = out.getvalue()
    spliced = _splice(text, dumped, _region(_yaml(dumped)[1], entry_id, language))
    if spliced != dumped:
        try:
            same = _yaml(spliced)[1] == data
        except EditError:
            same = False
        if not same:  # the splice lost something: ruamel's own output is right, if re-wrapped
            return dumped
    return spliced


def _splice(original: str, dumped: str, region: tuple[int, int]) -> str:
    """``original``, with the differing lines inside ``region`` of ``dumped`` taken from it."""
    before = original.splitlines(keepends=True)
    after = dumped.splitlines(keepends=True)
    first, last = region
    kept: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            kept += before[i1:i2]
            continue
        # A removed line has an empty range in ``dumped``: it belongs to the region when it
        # sat inside it or right after its last line.
        inside = j1 <= last and j2 > first if j2 > j1 else first <= j1 <= last + 1
        kept += after[j1:j2] if inside else before[i1:i2]
    return "".join(kept)
