"""What every text catalogue must satisfy, for tests/intents/test_texts.py and
tests/bot/test_texts.py: the code's lookups found by reading its syntax tree, and the register
of the German and Japanese texts.

A lookup is a call of one of a face's lookup functions (``text(...)``, ``_say(...)``) whose
first argument is a string, a choice of strings (``"a" if x else "b"``) or an f-string that
starts with a family (``f"topic.{topic}"``). An f-string anywhere in the code that starts
with ``family.`` uses the whole family, as ``key = f"qualifier.{name}"; text(key, ...)`` does.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from intents.texts import LANGUAGES, Catalogue

_FAMILY = re.compile(r"[a-z][a-z0-9_]*\.")  # the head of a family's keys (intents.texts)


@dataclass
class Lookups:
    keys: dict[str, list[str]] = field(default_factory=dict)  # key -> where it is looked up
    families: dict[str, list[str]] = field(default_factory=dict)  # "topic." -> where

    def uses(self, key: str) -> bool:
        return key in self.keys or any(key.startswith(family) for family in self.families)


def _family(node: ast.JoinedStr) -> str | None:
    # A key of a family is "prefix.{name}" and nothing else ("aiohttp.{error}: …" is prose).
    first = node.values[0] if len(node.values) == 2 else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value if _FAMILY.fullmatch(first.value) else None
    return None


def _keys_of(node: ast.expr) -> Iterable[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _keys_of(node.body)
        yield from _keys_of(node.orelse)


def lookups(package: Path, functions: frozenset[str]) -> Lookups:
    """Every key and family the Python files under ``package`` look up."""
    found = Lookups()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            where = f"{path}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.JoinedStr) and (family := _family(node)):
                found.families.setdefault(family, []).append(where)
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            name = node.func.id if isinstance(node.func, ast.Name) else name
            if name in functions:
                for key in _keys_of(node.args[0]):
                    found.keys.setdefault(key, []).append(where)
    return found


def layout_problems(path: Path) -> list[str]:
    """Keys of the file at ``path`` that lack a language or whose languages differ in their
    placeholders, read straight from the YAML (not through the loader under test)."""
    problems = []
    for key, by_language in yaml.safe_load(path.read_text(encoding="utf-8")).items():
        if sorted(by_language) != sorted(LANGUAGES):
            problems.append(f"{key}: languages {sorted(by_language)}")
            continue
        fields = {
            language: sorted(f for _, f, _, _ in string.Formatter().parse(template) if f)
            for language, template in by_language.items()
        }
        if len({tuple(names) for names in fields.values()}) != 1:
            problems.append(f"{key}: placeholders {fields}")
    return problems


def missing(catalogue: Catalogue, used: Lookups) -> list[str]:
    """Lookups of keys the catalogue lacks, and families it has no key of."""
    keys = set(catalogue)
    gaps = [f"{key} ({where[0]})" for key, where in used.keys.items() if key not in keys]
    gaps += [
        f"{family}* ({where[0]})"
        for family, where in used.families.items()
        if not any(key.startswith(family) for key in keys)
    ]
    return gaps


def unused(catalogue: Catalogue, used: Lookups) -> list[str]:
    return [key for key in catalogue if not used.uses(key)]


def register_problems(catalogue: Catalogue) -> list[str]:
    """German texts that say "du" instead of "Sie", Japanese sentences not in です・ます."""
    problems = []
    for key in catalogue:
        by_language = catalogue.templates(key)
        problems += [f"{key}.de: {word}" for word in familiar_german(by_language["de"])]
        problems += [f"{key}.ja: {line}" for line in impolite_japanese(by_language["ja"])]
    return problems


# Forms of "du" and "ihr" (the familiar you) that a German text in the "Sie" register never
# has; "ihr"/"Ihr" itself is left out, as "her", "their" and the formal "Ihr" share it.
_FAMILIAR_GERMAN = re.compile(r"\b(du|dich|dir|dein\w*|euch|euer|eure\w*)\b", re.IGNORECASE)
# Sentence endings of the です・ます register, including the polite request (〜ください) and
# polite questions (〜でしょうか, 〜ませんか).
_POLITE_ENDINGS = (
    "です", "ます", "ません", "でした", "ました", "ましょう", "ください", "でしょうか", "ませんか",
)  # fmt: skip
_JAPANESE_SENTENCE = re.compile(r"[^。]*。")
# What may stand between the polite form and the full stop: an aside in brackets
# ("失敗しました（問題{count}件）。") or the end of a quotation.
_TRAILING = re.compile(r"(（[^（）]*）|\([^()]*\)|[」』])*$")


def familiar_german(template: str) -> list[str]:
    return _FAMILIAR_GERMAN.findall(template)


def impolite_japanese(template: str) -> list[str]:
    """The sentences of ``template`` (each ending in 。) that do not end in a です・ます form.
    A text without 。 is a label, a heading or a list ("情報源の主な数字：") and is not checked."""
    bad = []
    for sentence in _JAPANESE_SENTENCE.findall(template):
        body = _TRAILING.sub("", sentence.rstrip("。").strip())
        if not body.endswith(_POLITE_ENDINGS):
            bad.append(sentence.strip())
    return bad
