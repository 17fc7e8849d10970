"""Typed mentions: the places, nationalities, people, companies, organisations and persons a
question names, whether or not the base names them.

Two sources of names, one lookup:

* the base's own entities, with every name and alias the curators wrote (its spellings of
  its places, its companies, its people);
* the world's names the base does not list, so that "Korean firms in Lyon" is seen
  to name another place: CLDR's country names and the exemplar cities of its time zones in
  English, German and ja (read through Babel), nationality words derived from CLDR's
  language names (the "Korean" of Korea's main language), and the data files
  ``data/places.yaml`` and ``data/companies.yaml`` for what CLDR does not have.

A world name that a base entity also has is that entity's: the base entity takes over the
world entry's other names (CLDR's "東京" and "Tokio" become names of the base's Tokyo).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.core import get_global
from babel.languages import get_official_languages
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intents.cues import function_words
from intents.text import fold, has_cjk, words
from knowledge import KnowledgeBase

DATA = Path(__file__).with_name("data")
_LANGUAGES = ("en", "de", "ja")

# Mention kinds. A nationality names a country as the origin of something ("Korean
# firms"); "people" names its people ("Koreaner", "韓国人"), which counts persons, not firms.
PLACE, NATIONALITY, PEOPLE, COMPANY, ORGANISATION, PERSON, TIME = (
    "place",
    "nationality",
    "people",
    "company",
    "organisation",
    "person",
    "time",
)
# Which kinds are compared with which when a question is held against an entry.
KIND_FAMILY = {
    PLACE: PLACE,
    NATIONALITY: NATIONALITY,
    PEOPLE: NATIONALITY,
    COMPANY: COMPANY,
    ORGANISATION: ORGANISATION,
    PERSON: PERSON,
    TIME: TIME,
}
# A year is a time mention: "in 2010", "2010年". Four digits from 1900 to 2099; other
# numbers are figures, not times.
_YEAR = re.compile(r"(?<![0-9])(19[0-9]{2}|20[0-9]{2})(?![0-9])")
# A Latin word this long that no phrasing of the base uses and no name matches exactly
# may be a misspelt name of the base ("Toshbia"): matched when rapidfuzz's ratio to the
# name is at least FUZZY_NAME_SCORE (one transposition in a 7-letter name scores 86).
FUZZY_NAME_CHARS = 5
FUZZY_NAME_SCORE = 85


def year_ref(year: str) -> str:
    return f"year:{year}"


# A word this short is a name only when written exactly so ("EU", "NX"): two letters
# match too many ordinary words once folded ("in", "it").
MIN_NAME_CHARS = 2
# Names are looked up as runs of up to this many words ("Nordrhein Westfalen",
# "Roppongi Academy Hills"); longer names are rare and still matched by their head.
MAX_NAME_WORDS = 5
# German adjective endings, and the endings of the people noun ("Koreaner", "Koreanerin").
_DE_ADJECTIVE_ENDINGS = ("", "e", "en", "er", "es", "em")
_DE_PEOPLE_ENDINGS = ("er", "ern", "erin", "erinnen", "e", "en", "in", "innen")
# ja: a country name followed by 人 is its people, by 系 or 企業 its companies.
_JA_PEOPLE_SUFFIXES = ("人",)
_JA_NATIONALITY_SUFFIXES = ("系", "企業", "資本")


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in a question: what it refers to, as what kind, and how it was written."""

    ref: str  # a base entity id, or "world:ID" for a name the base does not have
    kind: str  # one of the kinds above
    surface: str  # the folded words that named it
    start: int = 0  # position among the question's words (kanji/kana: characters)

    @property
    def known(self) -> bool:
        return not self.ref.startswith("world:")


@dataclass(frozen=True, slots=True)
class _Name:
    ref: str
    kind: str


def _load(name: str, key: str | None = None) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        # Every value is a name: YAML 1.1 would read "No" (Norway's code) as a boolean.
        data = yaml.load(handle, Loader=yaml.BaseLoader)
    return data[key] if key else next(iter(data.values()))


@lru_cache(maxsize=1)
def legal_forms() -> frozenset[str]:
    return frozenset(fold(str(f), limit=None) for f in _load("companies.yaml", "legal_forms"))


@lru_cache(maxsize=1)
def world_names() -> tuple[tuple[str, str, str], ...]:
    """(name, world id, kind) for every world name: CLDR countries, cities, nationalities."""
    found: list[tuple[str, str, str]] = []
    locales = {language: Locale.parse(language) for language in _LANGUAGES}
    for code in map(str, locales["en"].territories):
        if not (len(code) == 2 and code.isalpha()) or code in {"ZZ", "EU", "EZ", "UN", "QO"}:
            continue
        for locale in locales.values():
            name = locale.territories.get(code)
            if name:
                found.append((name, f"country-{code}", PLACE))
                if has_cjk(name):
                    found += [(name + s, f"country-{code}", PEOPLE) for s in _JA_PEOPLE_SUFFIXES]
                    found += [
                        (name + s, f"country-{code}", NATIONALITY) for s in _JA_NATIONALITY_SUFFIXES
                    ]
    # The nationality of a country is the name of its main language, where that language
    # belongs to it (CLDR's likely territory of the language, whose first official
    # language it is): "Korean", "koreanisch" -> Korea; "German" -> Germany.
    likely = get_global("likely_subtags")
    for language in map(str, locales["en"].languages):
        if "_" in language or len(language) > 3:
            continue
        subtags = likely.get(language, "").split("_")
        territory = subtags[-1] if len(subtags) > 1 else ""
        if len(territory) != 2 or get_official_languages(territory)[:1] != (language,):
            continue
        ref = f"country-{territory}"
        english = locales["en"].languages.get(language, "")
        if len(english) >= 4:
            found.append((english, ref, NATIONALITY))
        german = fold(locales["de"].languages.get(language, ""))
        if len(german) >= 4:
            found += [(german + e, ref, NATIONALITY) for e in _DE_ADJECTIVE_ENDINGS]
            if german.endswith("isch"):
                found += [(german[:-4] + e, ref, PEOPLE) for e in _DE_PEOPLE_ENDINGS]
    for zone in map(str, locales["ja"].time_zones):
        ref = f"city-{zone}"
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
        found.append((city, ref, PLACE))
        for locale in locales.values():
            local = locale.time_zones.get(zone, {}).get("city")
            if local:
                found.append((local, ref, PLACE))
    for code, forms in _load("demonyms.yaml").items():
        for kind, spellings in forms.items():
            found += [
                (n, f"country-{code}", PEOPLE if kind == "people" else NATIONALITY)
                for n in spellings
            ]
    for place, spellings in _load("places.yaml").items():
        found += [(n, f"place-{place}", PLACE) for n in spellings]
    for company, spellings in _load("companies.yaml").items():
        found += [(n, f"company-{company}", COMPANY) for n in spellings]
    return tuple(found)


@lru_cache(maxsize=1)
def world_roles() -> tuple[str, ...]:
    """Offices that stand for a person (data/roles.yaml)."""
    return tuple(str(r) for r in _load("roles.yaml"))


# A katakana name this long is also found one edit away (a small kana swapped: ドュ/デュ).
FUZZY_KATAKANA_CHARS = 5
_KATAKANA_RUN = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff]+")
_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff]")


def _inside_katakana(text: str, start: int, end: int, key: str) -> bool:
    """A katakana name is a word of its own only where no katakana goes on around it."""
    if not _KATAKANA.match(key[0]) or not _KATAKANA.match(key[-1]):
        return False
    before = start > 0 and _KATAKANA.match(text[start - 1])
    after = end < len(text) and _KATAKANA.match(text[end])
    return bool(before or after)


def _key(name: str) -> str:
    """The lookup key of a name: its folded words joined by one space (kanji/kana: as is)."""
    folded = fold(name, limit=None)
    if has_cjk(folded):
        return "".join(folded.split())
    return " ".join(words(folded))


def _in_capitals(key: str, written: str) -> bool:
    """Whether ``written`` holds ``key`` in capitals as a word of its own ("the US")."""
    return re.search(rf"(?<![^\W\d_]){re.escape(key.upper())}(?![^\W\d_])", written) is not None


class NameFinder:
    """Finds the typed mentions in a question; built once per base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._latin: dict[str, _Name] = {}
        self._cjk: dict[str, _Name] = {}
        own: dict[str, _Name] = {}
        for entity in kb.entities.values():
            for name in entity.all_names():
                key = _key(name)
                if len(key) >= MIN_NAME_CHARS:
                    own.setdefault(key, _Name(entity.id, entity.kind))
        # A world entry that shares a name with a base entity becomes that entity.
        world = world_names()
        adopted: dict[str, str] = {}
        for name, ref, kind in world:
            key = _key(name)
            if key in own and kind == PLACE and own[key].kind == PLACE:
                adopted.setdefault(ref, own[key].ref)
        for name, ref, kind in world:
            key = _key(name)
            if len(key) < MIN_NAME_CHARS or (key in own and kind in (PLACE, COMPANY)):
                continue
            target = adopted.get(ref, f"world:{ref}")
            self._add(key, _Name(target, kind))
        for key, entity_name in own.items():
            typed = self._latin.get(key) or self._cjk.get(key)
            # A base alias such as "Korean" on the place Korea is its nationality word.
            if typed is not None and typed.ref == entity_name.ref and typed.kind != PLACE:
                continue
            self._add(key, entity_name, replace=True)
        phrasings = [
            fold(phrasing, limit=None)
            for entry in kb.entries.values()
            for texts in entry.questions.values()
            for phrasing in texts
        ]
        # All phrasings in one text each way, one line per phrasing: a role is looked up
        # with one search, not one per phrasing (50,000 phrasings x 50 roles took 5 s).
        as_words = "\n".join(f" {' '.join(words(p))} " for p in phrasings)
        as_characters = "\n".join("".join(p.split()) for p in phrasings)
        for role in world_roles():
            key = _key(role)
            if key in self._latin or key in self._cjk:
                continue
            used = key in as_characters if has_cjk(key) else f" {key} " in as_words
            if not used:
                # "the prime minister": a person, and not one of the base's
                self._add(key, _Name(f"world:role-{key}", PERSON))
        # A world name that is also a function word ("US" and "us") is that name only
        # where the question writes it in capitals.
        self._cased = frozenset(
            k for k, n in self._latin.items() if k in function_words() and n.ref not in kb.entities
        )
        self._cjk_keys = sorted(self._cjk, key=len, reverse=True)
        # Keys by their first character, each with its rank in that order: a text is
        # searched only for the keys that can start in it (hundreds of place names in
        # katakana, of which a question holds a few characters' worth).
        self._cjk_by_first: dict[str, list[tuple[int, str]]] = {}
        for rank, key in enumerate(self._cjk_keys):
            self._cjk_by_first.setdefault(key[0], []).append((rank, key))
        # Misspelt katakana ("ドュッセルドルフ") is looked for among the base's own names.
        self._fuzzy_katakana = sorted(
            k
            for k, name in self._cjk.items()
            if name.ref in kb.entities
            and len(k) >= FUZZY_KATAKANA_CHARS
            and _KATAKANA_RUN.fullmatch(k)
        )
        # Misspellings are looked for among the base's own one-word names only.
        self._fuzzy = sorted(
            k
            for k, name in self._latin.items()
            if name.ref in kb.entities and " " not in k and len(k) >= FUZZY_NAME_CHARS
        )
        self._vocabulary: frozenset[str] = frozenset(
            w
            for entry in kb.entries.values()
            for phrasings in entry.questions.values()
            for phrasing in phrasings
            for w in words(fold(phrasing))
        )

    def _add(self, key: str, name: _Name, replace: bool = False) -> None:
        table = self._cjk if has_cjk(key) else self._latin
        if replace or key not in table:
            table[key] = name

    def find(
        self, folded: str, tokens: Iterable[str] | None = None, as_typed: str = ""
    ) -> tuple[Mention, ...]:
        """Mentions in a folded text, longest names first, none overlapping; ``as_typed``,
        the text before folding, tells "US" from "us"."""
        found: list[Mention] = []
        tokens = list(words(folded) if tokens is None else tokens)
        latin = [t for t in tokens if not has_cjk(t)]
        i = 0
        while i < len(latin):
            for n in range(min(MAX_NAME_WORDS, len(latin) - i), 0, -1):
                key = " ".join(latin[i : i + n])
                name = self._latin.get(key)
                if name is not None and key in self._cased and not _in_capitals(key, as_typed):
                    name = None
                if name is not None:
                    found.append(Mention(name.ref, name.kind, key, i))
                    i += n
                    break
            else:
                word = latin[i]
                following = latin[i + 1] if i + 1 < len(latin) else ""
                if (
                    following in legal_forms()
                    and word not in self._vocabulary
                    and not word.isdigit()
                ):
                    # "Zorblax Corporation": a company the base does not name
                    found.append(
                        Mention(f"world:company-{word}", COMPANY, f"{word} {following}", i)
                    )
                    i += 2
                    continue
                if (
                    len(word) >= FUZZY_NAME_CHARS
                    and word not in self._vocabulary
                    and self._fuzzy
                    and not word.isdigit()
                ):
                    close = process.extractOne(
                        word, self._fuzzy, scorer=fuzz.ratio, score_cutoff=FUZZY_NAME_SCORE
                    )
                    if close is not None:
                        name = self._latin[close[0]]
                        found.append(Mention(name.ref, name.kind, word, i))
                i += 1
        for year in _YEAR.finditer(folded):
            found.append(Mention(year_ref(year.group(1)), TIME, year.group(1), year.start()))
        if has_cjk(folded):
            compact = "".join(folded.split())
            taken = [False] * len(compact)
            candidates = sorted(
                pair for ch in set(compact) for pair in self._cjk_by_first.get(ch, ())
            )
            for _, key in candidates:
                start = compact.find(key)
                while start >= 0:
                    end = start + len(key)
                    if _inside_katakana(compact, start, end, key):
                        pass  # "タイ" in "タイトル": part of a longer katakana word
                    elif not any(taken[start:end]):
                        taken[start:end] = [True] * (end - start)
                        name = self._cjk[key]
                        found.append(Mention(name.ref, name.kind, key, start))
                    start = compact.find(key, end)
            if self._fuzzy_katakana:
                for run in _KATAKANA_RUN.finditer(compact):
                    written: str = run.group()
                    if any(taken[run.start() : run.end()]) or len(written) < FUZZY_KATAKANA_CHARS:
                        continue
                    close = process.extractOne(  # type: ignore[call-overload]
                        written, self._fuzzy_katakana, scorer=Levenshtein.distance, score_cutoff=1
                    )
                    if close is not None:
                        name = self._cjk[close[0]]
                        found.append(Mention(name.ref, name.kind, written, run.start()))
        return tuple(found)
