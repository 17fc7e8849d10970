"""One text, analysed: folded words, entity mentions and the terms the index compares.

Phrasings of the base and questions go through the same ``Analyser``, so a question
meets the base on equal terms. Terms are:

- ``@entity`` for every mention, whatever the language or spelling ("NRW",
  "Nordrhein-Westfalen" and "ノルトライン＝ヴェストファーレン州" are all ``@nrw``);
- stems of the other Latin words (Snowball, in the text's language), stop words of that
  language dropped, everyday synonyms merged (``intents.lexicon``);
- character bigrams of Japanese text outside the mentions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from intents.entities import EntityCatalog, Mention
from intents.lexicon import (
    ALL_STOP_WORDS,
    CONTRACTIONS,
    JAPANESE_SYNONYMS,
    stop_words,
    synonym_term,
)
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
_GREETING = re.compile(r"\b(?:guten (?:tag|morgen|abend)|good (?:morning|afternoon|evening|day))\b")
_OPENING_QUOTES = "\"'„“("
_SENTENCE_ENDS = ".!?:;"


def _starts_sentence(before: str) -> bool:
    """Does a word that follows ``before`` start a sentence: after nothing, a line break,
    or a sentence mark and a space (opening quotes aside)?

    Looks only at the end of ``before``: a regular expression anchored at its end would
    be tried at every position of a long question, for every capitalised word."""
    body = before.rstrip(_OPENING_QUOTES)
    core = body.rstrip()
    if not core:
        return True
    gap = body[len(core) :]
    return "\n" in gap or (bool(gap) and core[-1] in _SENTENCE_ENDS)


@dataclass(slots=True)  # not frozen: built tens of thousands of times per large base
class Analysis:
    text: str
    folded: str
    words: tuple[str, ...]
    mentions: tuple[Mention, ...]
    terms: tuple[str, ...]  # unique, in order of appearance
    names: tuple[str, ...] = field(default=())  # unknown capitalised words (possible names)
    japanese: bool = False  # written (partly) in Japanese script
    language: str | None = None  # the language its words were stemmed in
    term_words: tuple[str, ...] = ()  # per term, the folded word it came from ("" for none)

    @property
    def entity_ids(self) -> frozenset[str]:
        return frozenset(m.entity for m in self.mentions)


_TERMS: dict[tuple[str | None, str], str] = {}


def term_of(word: str, language: str | None = None) -> str:
    """The index term of one folded Latin word in ``language`` (stem, then synonym)."""
    key = (language, word)
    term = _TERMS.get(key)
    if term is None:
        term = synonym_term(stem(word, language), language)
        if len(_TERMS) < 200_000:
            _TERMS[key] = term
    return term


# Plain terms (or None, a stop word) by language and folded word: a question's words are
# mostly words seen before.
_PLAIN_TERMS: dict[tuple[str | None, str], str | None] = {}


def terms_of(word: str, languages: tuple[str | None, ...]) -> frozenset[str]:
    """The terms a word may become in any of ``languages``."""
    return frozenset(term_of(word, language) for language in languages)


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
        language: str | None = None,
    ) -> Analysis:
        """Analyse ``text``; questions are cut to ``limit`` characters (None: whole text).

        ``fuzzy`` reads unknown words as misspelt names ("Toyta"); the base's own texts
        are analysed without it. ``language`` picks the stemmer and the stop words (None:
        light stems, the stop words of every language).
        """
        if limit is not None:
            text = text[:limit]
        folded = fold(text, None)
        if "gut" in folded or "good" in folded:
            folded = _GREETING.sub(" ", folded)  # "Guten Tag": no question about days
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
        terms: dict[str, str] = {}  # term -> the folded word it came from ("" for none)
        for m in mentions:
            terms[m.term] = ""
        for index, word in enumerate(latin):
            if covered and index in covered:
                continue
            term = self.plain_term(word, language)
            if term is not None:
                terms.setdefault(term, CONTRACTIONS.get(word, word))
        if japanese_script:
            japanese = "".join(w for w in text_words if is_japanese_word(w))
            for m in mentions:
                if m.start < 0:
                    japanese = japanese.replace("".join(words(m.surface)), " ")
            for run in japanese.split():
                for gram in japanese_terms(run):
                    terms.setdefault(JAPANESE_SYNONYMS.get(gram, gram), "")
        names: tuple[str, ...] = ()
        if find_names:
            names = self._unknown_names(text, mentions)
        return Analysis(
            text,
            folded,
            tuple(text_words),
            tuple(mentions),
            tuple(terms),
            names,
            japanese_script,
            language,
            tuple(terms.values()),
        )

    @staticmethod
    def plain_term(word: str, language: str | None) -> str | None:
        """The term of a folded Latin word outside any name; None for a stop word."""
        key = (language, word)
        if key in _PLAIN_TERMS:
            return _PLAIN_TERMS[key]
        plain = CONTRACTIONS.get(word, word)
        term = None
        if plain not in stop_words(language) and (len(plain) != 1 or plain.isdigit()):
            term = term_of(plain, language)
        if len(_PLAIN_TERMS) < 200_000:
            _PLAIN_TERMS[key] = term
        return term

    def _unknown_names(self, text: str, mentions: list[Mention]) -> tuple[str, ...]:
        """Capitalised words that are neither known words nor part of a mention."""
        text = unicodedata.normalize("NFKC", text)
        mentioned = {w for m in mentions for w in m.surface.split()}
        found: list[str] = []
        for match in _CAPITALISED.finditer(text):
            word = match.group(1)
            if len(word) < 3 or _starts_sentence(text[: match.start()]):
                continue
            parts = words(fold(word))
            if not parts or any(p in mentioned for p in parts):
                continue
            if all(p in ALL_STOP_WORDS or p in self.known_words or p.isdigit() for p in parts):
                continue
            found.append(word)
        return tuple(found)
