"""One text, analysed: folded words, entity mentions and the terms the index compares.

Phrasings of the base and questions go through the same ``Analyser``, so a question
meets the base on equal terms. Terms are:

- ``@entity`` for every mention, whatever the language or spelling ("NRW",
  "Nordrhein-Westfalen" and "ノルトライン＝ヴェストファーレン州" are all ``@nrw``);
- light stems of the other Latin words, stop words dropped, everyday synonyms merged;
- character bigrams of Japanese text outside the mentions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from intents.entities import EntityCatalog, Mention
from intents.lexicon import ALL_STOP_WORDS, SYNONYMS
from intents.normalise import (
    MAX_QUESTION_CHARS,
    fold,
    has_japanese,
    is_japanese_word,
    japanese_terms,
    stem,
    words,
)

# A capitalised word in an English question that nobody knows is probably a name.
_CAPITALISED = re.compile(r"(?<![\w.&-])([A-Z][A-Za-z0-9]*(?:[-.&][A-Za-z0-9]+)*)")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)\s*[\"'„“(]*$")


@dataclass(slots=True)  # not frozen: built tens of thousands of times per large base
class Analysis:
    text: str
    folded: str
    words: tuple[str, ...]
    mentions: tuple[Mention, ...]
    terms: tuple[str, ...]  # unique, in order of appearance
    names: tuple[str, ...] = field(default=())  # unknown capitalised words (possible names)
    japanese: bool = False  # written (partly) in Japanese script

    @property
    def entity_ids(self) -> frozenset[str]:
        return frozenset(m.entity for m in self.mentions)


_TERMS: dict[str, str] = {}


def term_of(word: str) -> str:
    """The index term of one folded Latin word (stem, then synonym)."""
    term = _TERMS.get(word)
    if term is None:
        s = stem(word)
        term = SYNONYMS.get(s, s)
        if len(_TERMS) < 200_000:
            _TERMS[word] = term
    return term


class Analyser:
    def __init__(self, catalog: EntityCatalog) -> None:
        self.catalog = catalog
        self.known_words: frozenset[str] = frozenset()  # plain words of the base's questions

    def analyse(
        self,
        text: str,
        *,
        find_names: bool = False,
        limit: int | None = MAX_QUESTION_CHARS,
        fuzzy: bool = True,
    ) -> Analysis:
        """Analyse ``text``; questions are cut to ``limit`` characters (None: whole text).

        ``fuzzy`` reads unknown words as misspelt names ("Toyta"); the base's own texts
        are analysed without it.
        """
        if limit is not None:
            text = text[:limit]
        folded = fold(text, None)
        text_words = words(folded)
        japanese_script = not folded.isascii() and has_japanese(folded)
        latin = (
            [w for w in text_words if not is_japanese_word(w)] if japanese_script else text_words
        )
        mentions = self.catalog.find(folded, latin, self.known_words, fuzzy=fuzzy)
        covered: set[int] = set()
        for m in mentions:
            if m.start >= 0:
                covered.update(range(m.start, m.end))
        terms: dict[str, None] = {}
        for m in mentions:
            terms[m.term] = None
        stop = ALL_STOP_WORDS
        for index, word in enumerate(latin):
            if word in stop or (covered and index in covered):
                continue
            if len(word) == 1 and not word.isdigit():
                continue
            terms[term_of(word)] = None
        if japanese_script:
            japanese = "".join(w for w in text_words if is_japanese_word(w))
            for m in mentions:
                if m.start < 0:
                    japanese = japanese.replace("".join(words(m.surface)), " ")
            for run in japanese.split():
                for gram in japanese_terms(run):
                    terms[gram] = None
        names: tuple[str, ...] = ()
        if find_names:
            names = self._unknown_names(text, mentions)
        return Analysis(
            text, folded, tuple(text_words), tuple(mentions), tuple(terms), names, japanese_script
        )

    def _unknown_names(self, text: str, mentions: list[Mention]) -> tuple[str, ...]:
        """Capitalised words that are neither known words nor part of a mention."""
        text = unicodedata.normalize("NFKC", text)
        mentioned = {w for m in mentions for w in m.surface.split()}
        found: list[str] = []
        for match in _CAPITALISED.finditer(text):
            word = match.group(1)
            if len(word) < 3 or _SENTENCE_START.search(text[: match.start()]):
                continue
            parts = words(fold(word))
            if not parts or any(p in mentioned for p in parts):
                continue
            if all(p in ALL_STOP_WORDS or p in self.known_words or p.isdigit() for p in parts):
                continue
            found.append(word)
        return tuple(found)
