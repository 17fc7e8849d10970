"""The fixed sentences of each face, in en, de and ja, read from YAML catalogues.

A catalogue file maps a key to its text in every language::

    not_on_file:
      en: I have nothing on file that answers this, so I cannot say.
      de: Dazu habe ich nichts in meinen Unterlagen, daher kann ich das nicht beantworten.
      ja: その点についての情報は手元にないため、お答えできません。

Placeholders are ``{name}`` and nothing else: no format specification, because numbers and
dates are written per language by ``intents.formats`` (CLDR) before they are filled in. Every
language of a key has the same placeholders. Keys are lower-case words joined by ``_``; a
family looked up by name (``topic.figures``, ``command.start``) puts a dot before the name.
One register: German "Sie", ja です・ます. Loading (at the first lookup) checks the layout
and names the file and key of any mistake; the tests read every shipped catalogue, so a
mistake fails ``make test`` rather than a reply.

intents/ reads ``data/texts.yaml`` (its replies); bot/ reads ``bot/data/texts.yaml`` (the
Telegram face and the admin commands) through the same ``Catalogue``: imports go
bot -> intents, so the loader lives here, and each face's words live beside its code.

Adding a text: a key with all three languages in the face's file, then
``text("key", language, name=...)`` with every value already a string (a number through
``format_number``). tests/intents/test_texts.py and tests/bot/test_texts.py fail for a key no
code looks up, a lookup of a key not in the file, a missing language, differing
placeholders, a German "du" or a ja sentence not in です・ます.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path

import yaml

from knowledge import Language

# Every fixed sentence is written in these three: the languages the product serves.
LANGUAGES: tuple[Language, ...] = ("en", "de", "ja")
# What any other language reads (the lingua franca of the product's users).
FALLBACK_LANGUAGE: Language = "en"
_KEY = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9][a-z0-9_-]*)?")
_PLACEHOLDER = re.compile(r"[a-z][a-z0-9_]*")


class CatalogueError(ValueError):
    """A catalogue file that breaks the layout; the message names the file and the key."""


def ui_language(language: str | None) -> Language:
    """The language fixed sentences are shown in for ``language``: itself when every text is
    written in it, else English."""
    return language if language in LANGUAGES else FALLBACK_LANGUAGE  # type: ignore[return-value]


def placeholders(template: str) -> frozenset[str]:
    """The ``{name}`` fields of ``template``; ``ValueError`` for any other field syntax."""
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not _PLACEHOLDER.fullmatch(name) or spec or conversion:
            raise ValueError(f"placeholder {{{name}}} is not of the form {{name}}")
        names.add(name)
    return frozenset(names)


class Catalogue:
    """The texts of one YAML file, checked when first read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def _entries(self) -> dict[str, tuple[frozenset[str], dict[str, str]]]:
        """Each key's placeholders and its text per language."""
        with self.path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if not isinstance(data, dict):
            raise CatalogueError(f"{self.path}: expected key -> {{en, de, ja}} texts")
        return {str(key): self._checked(key, by_language) for key, by_language in data.items()}

    def _checked(self, key: object, by_language: object) -> tuple[frozenset[str], dict[str, str]]:
        where = f"{self.path}: {key}"
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise CatalogueError(f"{where}: keys are lower-case words joined by _ (and one .)")
        if not isinstance(by_language, dict) or set(by_language) != set(LANGUAGES):
            raise CatalogueError(f"{where}: needs exactly the languages {', '.join(LANGUAGES)}")
        found: dict[str, frozenset[str]] = {}
        for language in LANGUAGES:
            template = by_language[language]
            if not isinstance(template, str):
                raise CatalogueError(f"{where}.{language}: not a text")
            try:
                found[language] = placeholders(template)
            except ValueError as error:
                raise CatalogueError(f"{where}.{language}: {error}") from None
        fields = found[FALLBACK_LANGUAGE]
        if any(names != fields for names in found.values()):
            raise CatalogueError(f"{where}: the languages have different placeholders")
        return fields, {language: by_language[language] for language in LANGUAGES}

    def __iter__(self) -> Iterator[str]:
        """The keys, in file order."""
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def templates(self, key: str) -> Mapping[str, str]:
        """The text of ``key`` in every language, placeholders unfilled."""
        return self._entries[key][1]

    def fields(self, key: str) -> frozenset[str]:
        """The placeholders of ``key`` (the same in every language)."""
        return self._entries[key][0]

    def text(self, key: str, language: str | None, /, **values: str) -> str:
        """The text ``key`` in ``language`` (English for a language not written), with its
        placeholders filled from ``values``; ``KeyError`` when they are not exactly those."""
        fields, by_language = self._entries[key]
        if values.keys() != fields:
            raise KeyError(f"{key} takes {', '.join(sorted(fields)) or 'no values'}")
        template = by_language[ui_language(language)]
        return template.format_map(values)


REPLIES = Catalogue(Path(__file__).with_name("data") / "texts.yaml")


def text(key: str, language: Language, /, **values: str) -> str:
    """One of intents/' own sentences (``data/texts.yaml``), in ``language``."""
    return REPLIES.text(key, language, **values)
