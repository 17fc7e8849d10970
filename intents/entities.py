"""Entity mentions: which places, countries, companies and people a text names.

The catalogue joins the base's entities (with their aliases) and the world gazetteer,
so a question can name something the base does not cover ("Munich", "Chinese", "Sony")
and still be recognised as naming it. Latin names are looked up as word sequences
(exact, then typo-tolerant for single words), Japanese names as substrings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from intents.gazetteer import WORLD
from intents.lexicon import ALL_STOP_WORDS, QUESTION_WORDS
from intents.normalise import fold, has_japanese, words
from knowledge import KnowledgeBase

MAX_NAME_WORDS = 5
ENTITY_PREFIX = "@"
# "Toyta" -> Toyota; five-letter words need a closer match than longer ones.
_FUZZY_CUTOFF_SHORT = 88.0
_FUZZY_CUTOFF = 85.0
_FUZZY_CUTOFF_KANA = 80.0
_KATAKANA_RUN = re.compile("[\u30a0-\u30ff]+")
# A country followed by these is used as a nationality: 日本企業, 中国系, 韓国の会社.
_JA_NATIONALITY_USE = ("企業", "人", "系", "会社", "の企業", "の会社", "資本", "勢")


@dataclass(frozen=True, slots=True)
class Mention:
    entity: str  # catalogue id: the base entity id, or "world:<id>" for a gazetteer entry
    kind: str  # "person", "organisation", "place", "nationality", "company"
    surface: str  # the folded words that named it
    start: int = -1  # word span in the folded text (Latin names); -1 for Japanese substrings
    end: int = -1

    @property
    def in_base(self) -> bool:
        return not self.entity.startswith("world:")

    @property
    def term(self) -> str:
        return ENTITY_PREFIX + self.entity


@dataclass(frozen=True, slots=True)
class CatalogEntity:
    id: str
    kind: str
    names: tuple[str, ...]  # display names, first is the preferred one
    within: str | None


class EntityCatalog:
    """Every nameable thing a question may mention, with the base's entities first."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.entities: dict[str, CatalogEntity] = {}
        self._latin: dict[tuple[str, ...], tuple[str, str]] = {}  # words -> (id, kind)
        self._japanese: list[tuple[str, str, str]] = []  # (folded name, id, kind), longest first
        self._single: dict[str, tuple[str, str]] = {}  # one-word names, for typo tolerance
        self._nationality: set[str] = set()  # folded names that are nationalities
        self._common = ALL_STOP_WORDS | QUESTION_WORDS
        self._fuzzy_cache: dict[str, tuple[str, str] | None] = {}

        folded_owner: dict[str, str] = {}
        for entity in kb.entities.values():
            names = list(entity.all_names())
            names += self._implied_names(entity.kind, names)
            self.entities[entity.id] = CatalogEntity(entity.id, entity.kind, tuple(names), None)
            for name in names:
                folded_owner.setdefault(" ".join(words(fold(name))), entity.id)

        world_to_catalog: dict[str, str] = {}
        for world in WORLD:
            self._nationality.update(" ".join(words(fold(n))) for n in world.nationality)
            keys = [" ".join(words(fold(n))) for n in world.names]
            owner = next((folded_owner[k] for k in keys if k in folded_owner), None)
            if owner is not None:
                base = self.entities[owner]
                # "Japanese" and "Japan" are the same entity, named as a nationality
                # or as a place.
                self.entities[owner] = CatalogEntity(
                    owner, base.kind, tuple(dict.fromkeys([*base.names, *world.names])), None
                )
                world_to_catalog[world.id] = owner
            else:
                cid = "world:" + world.id
                kind = "place" if world.kind == "country" else world.kind
                self.entities[cid] = CatalogEntity(cid, kind, world.names, None)
                world_to_catalog[world.id] = cid
        for world in WORLD:
            if world.within:
                cid = world_to_catalog[world.id]
                parent = world_to_catalog.get(world.within)
                e = self.entities[cid]
                if parent and parent != cid:
                    self.entities[cid] = CatalogEntity(e.id, e.kind, e.names, parent)

        for cid, known in self.entities.items():
            for name in known.names:
                self._add_name(name, cid)
        self._first_words = frozenset(key[0] for key in self._latin)
        # For each first word of a multi-word name, the most words a name starting there has.
        self._longest_from: dict[str, int] = {}
        for key in self._latin:
            if len(key) > 1:
                self._longest_from[key[0]] = max(self._longest_from.get(key[0], 0), len(key))
        self._japanese.sort(key=lambda item: -len(item[0]))
        self._japanese_names: dict[str, tuple[str, str]] = {}
        for name, cid, kind in self._japanese:
            self._japanese_names.setdefault(name, (cid, kind))
        self._japanese_pattern = re.compile(
            "|".join(re.escape(name) for name in self._japanese_names) or "(?!)"
        )
        self._katakana = {
            name: (cid, kind) for name, cid, kind in self._japanese if _KATAKANA_RUN.fullmatch(name)
        }
        self._katakana_names = list(self._katakana)
        self._single_keys = list(self._single)

    def _implied_names(self, kind: str, names: list[str]) -> list[str]:
        """Short forms people use: a person's surname, a company's first word."""
        implied: list[str] = []
        for name in names:
            parts = name.split()
            if len(parts) < 2 or has_japanese(name):
                continue
            candidate = parts[-1] if kind == "person" else parts[0] if kind == "company" else ""
            if len(candidate) >= 4 and fold(candidate) not in self._common:
                implied.append(candidate)
        return implied

    def _add_name(self, name: str, cid: str) -> None:
        folded = fold(name)
        key = tuple(words(folded))
        kind = self.entities[cid].kind
        if " ".join(key) in self._nationality and kind == "place":
            kind = "nationality"
        if has_japanese(folded):
            compact = "".join(key)
            if len(compact) >= 2:
                self._japanese.append((compact, cid, kind))
            return
        if not key or len(key) > MAX_NAME_WORDS:
            return
        # The base's own names win over the gazetteer's (added first).
        self._latin.setdefault(key, (cid, kind))
        if len(key) == 1 and len(key[0]) >= 5 and key[0] not in self._common:
            self._single.setdefault(key[0], (cid, kind))

    @property
    def first_words(self) -> frozenset[str]:
        """First words of every Latin name: a text without any names nothing."""
        return self._first_words

    def names_at(self, text_words: Sequence[str], i: int) -> bool:
        """Does a Latin name start at word ``i`` (exact spelling)?"""
        word = text_words[i]
        longest = self._longest_from.get(word, 0)
        for size in range(min(longest, len(text_words) - i), 1, -1):
            if tuple(text_words[i : i + size]) in self._latin:
                return True
        return (word,) in self._latin

    def kind(self, cid: str) -> str:
        return self.entities[cid].kind

    def within(self, cid: str) -> str | None:
        return self.entities[cid].within

    def is_within(self, cid: str, container: str) -> bool:
        seen = 0
        parent = self.within(cid)
        while parent is not None and seen < 10:
            if parent == container:
                return True
            parent = self.within(parent)
            seen += 1
        return False

    def _fuzzy(self, word: str) -> tuple[str, str] | None:
        if word in self._fuzzy_cache:
            return self._fuzzy_cache[word]
        cutoff = _FUZZY_CUTOFF_SHORT if len(word) <= 5 else _FUZZY_CUTOFF
        found = process.extractOne(word, self._single_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
        result = self._single[found[0]] if found else None
        if len(self._fuzzy_cache) < 50_000:
            self._fuzzy_cache[word] = result
        return result

    def find(
        self,
        folded: str,
        text_words: list[str],
        known_words: frozenset[str],
        *,
        fuzzy: bool = True,
    ) -> list[Mention]:
        """Mentions in a folded text; ``known_words`` are never read as a misspelt name."""
        mentions: list[Mention] = []
        japanese = not folded.isascii() and has_japanese(folded)
        if not fuzzy and not japanese and self._first_words.isdisjoint(text_words):
            return mentions
        n = len(text_words)
        latin = self._latin
        longest = self._longest_from
        i = 0
        while i < n:
            hit = None
            word = text_words[i]
            longest_here = longest.get(word, 0)
            if longest_here:
                for size in range(min(longest_here, n - i), 1, -1):
                    found = latin.get(tuple(text_words[i : i + size]))
                    if found is not None:
                        hit = (found, size)
                        break
            if hit is None:
                found = latin.get((word,))
                if found is not None:
                    hit = (found, 1)
            if (
                hit is None
                and fuzzy
                and len(word) >= 5
                and word.isascii()
                and word.isalpha()
                and word not in known_words
                and word not in self._common
            ):
                guessed = self._fuzzy(word)
                if guessed is not None:
                    hit = (guessed, 1)
            if hit is None:
                i += 1
                continue
            (cid, kind), size = hit
            surface = " ".join(text_words[i : i + size])
            mentions.append(Mention(cid, kind, surface, i, i + size))
            i += size
        if japanese:
            compact = "".join(words(folded))
            # One pass of an alternation, longest names first, finds non-overlapping names.
            for match in self._japanese_pattern.finditer(compact):
                name = match.group(0)
                cid, kind = self._japanese_names[name]
                if kind == "place" and compact.startswith(_JA_NATIONALITY_USE, match.end()):
                    kind = "nationality"  # 日本企業: Japanese companies
                mentions.append(Mention(cid, kind, name))
            for run in _KATAKANA_RUN.findall(compact) if fuzzy else ():
                if len(run) < 4 or any(run in m.surface or m.surface in run for m in mentions):
                    continue
                match_ = process.extractOne(
                    run, self._katakana_names, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF_KANA
                )
                if match_:
                    cid, kind = self._katakana[match_[0]]
                    mentions.append(Mention(cid, kind, run))
        return mentions
