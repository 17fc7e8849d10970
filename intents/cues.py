"""The shape words of each language (``data/cues.yaml``): what a question asks for, whether it
follows up on the previous one, whether it asks about now or the future."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from intents.text import fold, has_cjk, words

DATA = Path(__file__).with_name("data") / "cues.yaml"

# Kinds of answer a question may ask for.
COUNT, PERSON, PLACE, TIME, LIST, YESNO = "count", "person", "place", "time", "list", "yesno"
DESCRIBE = "describe"  # "tell me about X"
QUOTE = "quote"  # what someone said: "what did X say", "Zitat", 発言
NAME = "name"  # what something is called: "what was it called", "Titel", 名称
ASK_KINDS = (COUNT, PERSON, PLACE, TIME, LIST, YESNO, DESCRIBE, QUOTE, NAME)
# What is counted is also recognised misspelt ("compnies", "residnets", "firmn"): words this
# long, within rapidfuzz's ratio 85 of a cue word (one letter dropped or swapped in eight;
# a five-letter word only with a letter dropped from a six-letter cue: 10/11 = 91, where a
# letter changed in five is 80). Five, not six, measured: dev in scope +1 (a German
# "firmn"), nothing else moved on dev, heldout, conversation, CLINC150 or xSID.
FUZZY_CUE_CHARS = 5
FUZZY_CUE_SCORE = 85


@dataclass(frozen=True, slots=True)
class Phrases:
    """Cue phrases of one kind: Latin ones as word tuples, kanji/kana ones as substrings."""

    latin: frozenset[tuple[str, ...]]
    cjk: tuple[str, ...]
    longest: int
    fuzzy_words: tuple[str, ...] = ()
    firsts: frozenset[str] = frozenset()  # the first words of the Latin phrases

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Phrases:
        latin: set[tuple[str, ...]] = set()
        cjk: list[str] = []
        for phrase in phrases:
            folded = fold(str(phrase), limit=None)
            if has_cjk(folded) or not words(folded):
                cjk.append(folded)
            else:
                latin.add(tuple(words(folded)))
        longest = max((len(p) for p in latin), default=0)
        fuzzy_words = tuple(
            sorted(p[0] for p in latin if len(p) == 1 and len(p[0]) >= FUZZY_CUE_CHARS)
        )
        firsts = frozenset(p[0] for p in latin)
        return cls(frozenset(latin), tuple(cjk), longest, fuzzy_words, firsts)

    def found_in(
        self, folded: str, tokens: Sequence[str], fuzzy_tokens: Sequence[str] = ()
    ) -> bool:
        """Whether a phrase is in the text; one-word phrases are also found misspelt
        ("compnies") among ``fuzzy_tokens`` of ``FUZZY_CUE_CHARS`` letters or more."""
        if any(p in folded for p in self.cjk):
            return True
        if not self.latin.isdisjoint(grams_of(tuple(tokens))):
            return True
        if fuzzy_tokens and self.fuzzy_words:
            for token in fuzzy_tokens:
                if len(token) >= FUZZY_CUE_CHARS and process.extractOne(
                    token, self.fuzzy_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUE_SCORE
                ):
                    return True
        return False

    def first_from(self, tokens: Sequence[str], start: int = 0) -> tuple[int, int] | None:
        """The first place at or after ``start`` where a Latin phrase begins, as (index,
        words), the longest phrase there; None when there is none."""
        for i in range(start, len(tokens)):
            if tokens[i] not in self.firsts:
                continue
            for n in range(self.longest, 0, -1):
                if tuple(tokens[i : i + n]) in self.latin:
                    return i, n
        return None

    def starts(self, tokens: Sequence[str]) -> bool:
        return any(tuple(tokens[:n]) in self.latin for n in range(1, self.longest + 1))

    def ends(self, folded: str) -> bool:
        stripped = folded.rstrip(" ?？!！.。")
        return any(folded.endswith(p) or stripped.endswith(p) for p in self.cjk)


@dataclass(frozen=True, slots=True)
class LanguageCues:
    markers: frozenset[str]
    asks: dict[str, Phrases]
    follow_up: Phrases
    refers_back: Phrases
    future: Phrases
    present: Phrases
    people: Phrases
    organisations: Phrases
    function: frozenset[str]
    verify: Phrases = Phrases(frozenset(), (), 0)
    negation: Phrases = Phrases(frozenset(), (), 0)
    contrast: Phrases = Phrases(frozenset(), (), 0)


@lru_cache(maxsize=1)
def cues() -> dict[str, LanguageCues]:
    with DATA.open(encoding="utf-8") as handle:
        # Every value is a word: YAML 1.1 would read "on", "yes" and "true" as booleans.
        data = yaml.load(handle, Loader=yaml.BaseLoader)
    loaded: dict[str, LanguageCues] = {}
    for language, section in data.items():
        loaded[language] = LanguageCues(
            markers=frozenset(fold(str(m), limit=None) for m in section.get("markers", ())),
            asks={kind: Phrases.of(section["asks"].get(kind, ())) for kind in ASK_KINDS},
            follow_up=Phrases.of(section.get("follow_up", ())),
            refers_back=Phrases.of(section.get("refers_back", ())),
            future=Phrases.of(section.get("future", ())),
            present=Phrases.of(section.get("present", ())),
            people=Phrases.of(section.get("people", ())),
            organisations=Phrases.of(section.get("organisations", ())),
            function=frozenset(fold(str(w), limit=None) for w in section.get("function", ())),
            verify=Phrases.of(section.get("verify", ())),
            negation=Phrases.of(section.get("negation", ())),
            contrast=Phrases.of(section.get("contrast", ())),
        )
    return loaded


def tables(language: str | None) -> list[LanguageCues]:
    """The cue tables a text is read with: its language's, or every one when it has none
    (or one without a table)."""
    return [cues()[language]] if language in cues() else list(cues().values())


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The function words of every language."""
    return frozenset().union(*(table.function for table in cues().values()))


# Cue phrases are at most this many words long ("what are the", "wie sieht es mit").
MAX_CUE_WORDS = 4


@lru_cache(maxsize=4096)
def grams_of(tokens: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """Every run of up to ``MAX_CUE_WORDS`` words of a text, for the phrase lookups."""
    return frozenset(
        tokens[i : i + n] for n in range(1, MAX_CUE_WORDS + 1) for i in range(len(tokens) - n + 1)
    )


def asked_kinds(folded: str, tokens: Sequence[str], language: str | None) -> frozenset[str]:
    """What a question asks for; a yes/no question is one that opens with its verb."""
    found: set[str] = set()
    for table in tables(language):
        for kind, phrases in table.asks.items():
            if kind == YESNO:
                if phrases.starts(tokens) or (phrases.cjk and phrases.ends(folded)):
                    found.add(kind)
            elif phrases.found_in(folded, tokens):
                found.add(kind)
    return frozenset(found)


def contrasted(folded: str, language: str | None) -> tuple[str, str] | None:
    """ "not A but B", "nicht A, sondern B", "AじゃなくてB": (A, B), what is set aside and
    what is asked, or None. A Latin contrast word counts only after a negation (a plain
    "but" joins, it does not set aside); a kanji/kana one marks A itself."""
    tokens = words(folded)
    for table in tables(language):
        for marker in table.contrast.cjk:
            at = folded.find(marker)
            if at > 0 and folded[at + len(marker) :].strip(" 、,"):
                return folded[:at].strip(" 、,"), folded[at + len(marker) :].strip(" 、,")
        denied = table.negation.first_from(tokens)
        if denied is None:
            continue
        start, length = denied
        turn = table.contrast.first_from(tokens, start + length)
        if turn is None:
            continue
        at, width = turn
        aside, asked = tokens[start + length : at], tokens[at + width :]
        if aside and asked:
            return " ".join(aside), " ".join(asked)
    return None


# Kanji/kana text is cut into clauses at these commas.
_CJK_COMMAS = "、，,"


def asking_tail(folded: str, language: str | None) -> str | None:
    """The part of a sentence from where it starts to ask, when something comes before:
    "As a CFO evaluating sites, I'd like the figure for …" -> "figure for …"; in kanji/kana
    text, the clause (after a comma) that holds the first question phrase ("福岡の会社の
    者ですが、…は何社ありますか"). None when the sentence asks from its start, a yes/no
    opening included; inside a sentence those words ("is", "can") start no question."""
    tokens = words(folded)
    best: str | None = None
    for table in tables(language):
        if table.asks[YESNO].starts(tokens):
            continue
        kinds = [p for kind, p in table.asks.items() if kind != YESNO]
        found = [folded.find(c) for p in kinds for c in p.cjk if c in folded]
        if found:
            comma = max(folded.rfind(c, 0, min(found)) for c in _CJK_COMMAS)
            tail = folded[comma + 1 :].strip() if comma > 0 else ""
        else:
            starts = [s for p in kinds if (s := p.first_from(tokens)) is not None]
            at = min((s[0] for s in starts), default=0)
            tail = " ".join(tokens[at:]) if at > 0 else ""
        if tail and (best is None or len(tail) > len(best)):
            best = tail
    return best


def any_language(
    attribute: str,
    folded: str,
    tokens: Sequence[str],
    language: str | None,
    fuzzy_tokens: Sequence[str] = (),
) -> bool:
    """Whether a cue list (``future``, ``people`` …) of the text's language is found in it."""
    return any(
        getattr(table, attribute).found_in(folded, tokens, fuzzy_tokens)
        for table in tables(language)
    )


@lru_cache(maxsize=8)
def _noise(language: str | None) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """Function words, cue words, and the kanji/kana pieces of both, longest first."""
    languages = [language] if language is not None else list(cues())
    function: set[str] = set()
    cue_words: set[str] = set()
    cue_cjk: list[str] = []
    for lang in languages:
        table = cues()[lang]
        function |= table.function
        for phrases in (
            *table.asks.values(),
            table.people,
            table.organisations,
            table.follow_up,
            table.present,
            table.verify,
        ):
            for phrase in phrases.latin:
                cue_words.update(phrase)
            cue_cjk += phrases.cjk
    pieces = sorted({p for p in function | set(cue_cjk) if p and has_cjk(p)}, key=len, reverse=True)
    return frozenset(function), frozenset(cue_words), tuple(pieces)


def content_terms(folded: str, terms: Sequence[str], language: str | None) -> tuple[str, ...]:
    """The terms that say what a question is about: not function or cue words.

    Kanji/kana terms are script runs; a run is content unless it is made of function words
    and cue phrases only.
    """
    function, cue_words, cjk_noise = _noise(language if language in cues() else None)
    kept: list[str] = []
    for term in terms:
        if has_cjk(term):
            rest = term
            for piece in cjk_noise:
                if piece in rest:  # most pieces are not: a test is cheaper than a replace
                    rest = rest.replace(piece, "")
            if rest.strip():
                kept.append(term)
        elif term not in function and term not in cue_words and not term.isdigit():
            kept.append(term)
    return tuple(kept)


@lru_cache(maxsize=1)
def question_joints() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Conjunctions (one-word follow-up openings: "and", "und"), the words a question
    starts with (the first word of every question phrase), and the kanji/kana question
    phrases (誰, いつ …), in every language."""
    conjunctions: set[str] = set()
    starters: set[str] = set()
    cjk_starters: set[str] = set()
    for table in cues().values():
        conjunctions |= {p[0] for p in table.follow_up.latin if len(p) == 1}
        for kind, phrases in table.asks.items():
            if kind in (YESNO, COUNT, PERSON, PLACE, TIME):
                starters |= {p[0] for p in phrases.latin}
            if kind in (COUNT, PERSON, PLACE, TIME):
                cjk_starters |= set(phrases.cjk)
    return tuple(sorted(conjunctions)), tuple(sorted(starters)), tuple(sorted(cjk_starters))
