"""Analysis, the first stage: what a question says, before any entry is looked at.

Normalised text, language, terms, typed mentions (``intents.names``), and the kind of
answer it asks for (``intents.cues``). The retrieval documents of a text are built here
too, so the base's phrasings and the questions go through the very same steps.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, replace
from functools import lru_cache

from intents.cues import COUNT, any_language, asked_kinds, content_terms, cues, function_words
from intents.language import LanguageDetector
from intents.names import COMPANY, NATIONALITY, PEOPLE, PERSON, PLACE, Mention, NameFinder
from intents.text import MAX_QUESTION_CHARS, fold, has_cjk, stem, terms, words
from knowledge import KnowledgeBase, Language

# The token that stands for a base entity in the word view ("sfld" and "Springfield" are
# one word there); the prefix keeps it apart from any word a text can contain.
ENTITY_TOKEN = "\u2063entity:"
CUE_TOKEN = "\u2063cue:"


def _entity_sign(ref: str) -> str:
    """One private-use character per entity, the same in every process."""
    return f" {chr(0xE000 + zlib.crc32(ref.encode()) % 6000)} "


# Analyses kept per base: a follow-up or a message's next part re-reads a text analysed a
# moment ago. A few hundred chats' last questions; an analysis is a few kilobytes.
ANALYSIS_CACHE = 1024
# A nationality word this short is an abbreviation of the country ("US", "UK"): no people
# noun is three letters long, nor any CLDR nationality word (the shortest is "Thai").
ABBREVIATION_CHARS = 3
# Two capitalised Latin words in a row: a first and a last name.
_FULL_NAME = re.compile(r"\b([A-ZÄÖÜ][a-zäöüß]+)\s+([A-ZÄÖÜ][a-zäöüß]+)\b")


_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Analysis:
    question: str  # as asked, cut to MAX_QUESTION_CHARS
    folded: str
    language: Language | None  # None when the words fit any of the base's languages
    terms: tuple[str, ...]  # words (kanji/kana: script runs), stemmed in the language
    mentions: tuple[Mention, ...]
    asks: frozenset[str]  # kinds of answer asked for (intents.cues.ASK_KINDS)
    counts_people: bool  # it counts persons ("how many Koreans live …", "Koreaner")
    counts_organisations: bool  # it counts companies or organisations
    about_future: bool  # a forecast or the next occurrence
    about_present: bool  # "now", "still", "today"
    content: tuple[str, ...] = ()  # words that say what it is about (not cue or function words)

    @property
    def counting(self) -> bool:
        return COUNT in self.asks

    @property
    def unnamed_content(self) -> tuple[str, ...]:
        """The content words besides the names: "zoo" in "Springfield's zoo"."""
        named = {w for m in self.mentions for w in m.surface.split()}
        return tuple(w for w in self.content if w not in named)

    @property
    def asks_nothing(self) -> bool:
        """Only names and question or function words: "Springfield Korea", "How many?".

        Something is asked when a word says what it is about, or a question word or what
        is counted goes with a name ("how many … in Ohio", "kr cos in sfld").
        """
        named = {w for m in self.mentions for w in m.surface.split()}
        for word in self.content:
            if has_cjk(word):
                for mention in self.mentions:
                    word = word.replace(mention.surface, "")
            if word and word not in named:
                return False
        asked = self.asks or self.counts_people or self.counts_organisations
        return not (asked and self.mentions)

    def char_document(self) -> str:
        # Each name the base knows reads as one sign of its entity, however it is written
        # (delexicalisation, as slot-filling intent classifiers do): entries that cover the
        # same person or place then differ only in what they ask ("Ada Lee's statement" vs
        # "who is Ada Lee"), and a spelling never out-votes it. Measured on the shipped
        # base: cross-validated reach 66.2 -> 67.8 %, dev.yaml in scope 93.3 -> 94.8 %; the
        # public benchmarks name no base entity, so are unchanged.
        text_ = self.folded
        for mention in sorted(self.mentions, key=lambda m: len(m.surface), reverse=True):
            if mention.known and mention.surface:
                text_ = text_.replace(mention.surface, _entity_sign(mention.ref))
        return text_

    def word_document(self) -> str:
        tokens = list(self.terms)
        named = {stem(w, self.language) for m in self.mentions if m.known for w in words(m.surface)}
        tokens = [t for t in tokens if t not in named]
        # A kanji is a morpheme (企 and 業 of 企業): single kanji count as words too, which
        # the character view (2-5-grams) leaves out.
        tokens += [ch for t in self.terms if has_cjk(t) for ch in t if _KANJI.match(ch)]
        tokens += [ENTITY_TOKEN + m.ref for m in self.mentions if m.known]
        # Cue classes as words of their own: "cos", "firms" and "Unternehmen" are one word
        # here, "ppl" and "Einwohner" another (the lexicon's synonyms, data/cues.yaml).
        # What it asks for, likewise: "when", "wann", "an welchem Tag" and いつ are one word.
        tokens += [CUE_TOKEN + "asks-" + kind for kind in sorted(self.asks)]
        if self.counts_people:
            tokens.append(CUE_TOKEN + "people")
        if self.counts_organisations:
            tokens.append(CUE_TOKEN + "organisations")
        return " ".join(tokens)

    def describe(self) -> dict[str, object]:
        return {
            "language": self.language,
            "terms": list(self.terms),
            "mentions": [
                {"ref": m.ref, "kind": m.kind, "surface": m.surface, "in_base": m.known}
                for m in self.mentions
            ],
            "asks": sorted(self.asks),
            "counts": "people"
            if self.counts_people
            else "organisations"
            if self.counts_organisations
            else None,
            "about_future": self.about_future,
            "about_present": self.about_present,
            "content": list(self.content),
        }


class Analyser:
    """Analyses texts for one base: its names, its languages."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.names = NameFinder(kb)
        vocabulary: dict[str, set[str]] = {}
        for entry in kb.entries.values():
            for language, phrasings in entry.questions.items():
                bucket = vocabulary.setdefault(language, set())
                for phrasing in phrasings:
                    bucket.update(words(fold(phrasing)))
        self.detector = LanguageDetector(kb.languages, vocabulary)
        self.known_words: frozenset[str] = frozenset().union(*vocabulary.values())
        # One text is often analysed again soon: a follow-up re-reads the previous question,
        # a part of a message is the previous part's context. Analyses are immutable.
        self._cached = lru_cache(maxsize=ANALYSIS_CACHE)(self._analyse)

    @staticmethod
    def _people_nouns(
        mentions: tuple[Mention, ...], tokens: list[str], language: Language | None
    ) -> tuple[Mention, ...]:
        """English uses one word for the adjective and the people: "Korean firms" names a
        nationality, "how many Korean live there" its people. The word is the people's
        when no noun follows it: the end, a function word, or a people word; an
        abbreviation ("US", "UK") is then the country itself ("firms in the US")."""
        if language not in (None, "en") or "en" not in cues():
            return mentions
        table = cues()["en"]
        typed = []
        for mention in mentions:
            if mention.kind == NATIONALITY and " " not in mention.surface:
                after = mention.start + 1
                following = tokens[after] if after < len(tokens) else None
                if (
                    following is None
                    or following in table.function
                    or ((following,) in table.people.latin)
                ):
                    short = len(mention.surface.replace(".", "")) <= ABBREVIATION_CHARS
                    mention = replace(mention, kind=PLACE if short else PEOPLE)
            typed.append(mention)
        return tuple(typed)

    def _unknown_persons(
        self, question: str, tokens: list[str], mentions: tuple[Mention, ...]
    ) -> tuple[Mention, ...]:
        """A first and last name the base never uses ("What did Ada Quist say?"): two
        capitalised words in a row, neither a word of the base nor of a name found."""
        named = {w for m in mentions for w in m.surface.split()}
        found = []
        for match in _FULL_NAME.finditer(question):
            pair = [fold(w) for w in match.groups()]
            if any(w in self.known_words or w in named or w in function_words() for w in pair):
                continue
            surface = " ".join(pair)
            start = tokens.index(pair[0]) if pair[0] in tokens else 0
            found.append(Mention(f"world:person-{'-'.join(pair)}", PERSON, surface, start))
        return tuple(found)

    def guess_language(self, question: str) -> Language | None:
        head = question[:MAX_QUESTION_CHARS]
        return self.detector.guess(head, words(fold(head)))

    def terms_of(self, text: str, language: Language | None) -> tuple[str, ...]:
        """Only the stemmed terms of a text (what the vocabulary of a base is made of)."""
        return tuple(stem(t, language) for t in terms(fold(text)))

    def analyse(self, question: str, language: Language | None = None) -> Analysis:
        """``language``: the text's known language (a base phrasing); else it is guessed."""
        return self._cached(question, language)

    def forget(self) -> None:
        """Drop the cached analyses (a benchmark times each question as if asked anew)."""
        self._cached.cache_clear()

    def _analyse(self, question: str, language: Language | None) -> Analysis:
        question = question[:MAX_QUESTION_CHARS]
        folded = fold(question)
        tokens = words(folded)
        if language is None:
            language = self.detector.guess(question, tokens)
        mentions = self._people_nouns(self.names.find(folded, tokens, question), tokens, language)
        mentions += self._unknown_persons(question, tokens, mentions)
        stems = tuple(stem(t, language) for t in terms(folded))
        people_named = any(m.kind == PEOPLE for m in mentions)
        # Misspelt cue words ("compnies") are looked for only among words the base lacks.
        strange = [t for t in tokens if t not in self.known_words]
        counts_people = people_named or any_language(
            "people", folded, tokens, language, fuzzy_tokens=strange
        )
        counts_organisations = any(m.kind == COMPANY for m in mentions) or any_language(
            "organisations", folded, tokens, language, fuzzy_tokens=strange
        )
        if counts_people and counts_organisations and not people_named:
            # "how many Korean companies have offices where people live" names both;
            # the companies are what is counted unless a people word names a nationality.
            counts_people = False
        return Analysis(
            question=question,
            folded=folded,
            language=language,
            terms=stems,
            mentions=mentions,
            asks=asked_kinds(folded, tokens, language),
            counts_people=counts_people,
            counts_organisations=counts_organisations,
            about_future=any_language("future", folded, tokens, language),
            about_present=any_language("present", folded, tokens, language),
            content=content_terms(folded, terms(folded), language),
        )
