"""The matcher: the pipeline's stages put together for one base, learned when the base loads.

``Matcher(kb)`` analyses every phrasing of the base, fits the retrieval models, derives
what each entry covers and calibrates the decision by cross-validation
(``intents.decision``). ``match(analysis)`` then ranks the entries for one question,
rules out those that cannot answer it (``intents.constraints``), and returns the
calibrated confidence and the decision, with every fact behind them (``Match``).

A base with the same fingerprint is learned once per process (``MODEL_CACHE`` bases),
and, given a store of learned models (``LearnedModels``), once across processes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from intents.analysis import Analyser, Analysis
from intents.constraints import (
    COUNT_MAJORITY,
    OTHER_NAME,
    UNSAID,
    Coverage,
    RuledOut,
    entry_coverage,
    rule_out,
)
from intents.decision import (
    ANSWER,
    ANSWER_CONFIDENCE,
    DECLINE,
    MAX_SUGGESTIONS,
    SUGGEST,
    SUGGEST_CONFIDENCE,
    Calibration,
    HeldOut,
    calibrate,
    decide,
    ranking_features,
)
from intents.names import KIND_FAMILY, NATIONALITY, PLACE
from intents.retrieval import Retriever, Scores
from intents.text import fold, has_cjk
from intents.text import words as words_of
from knowledge import KnowledgeBase, Language
from knowledge.figures import figures_in, figures_of_value

# A question's content words the base never uses: all of them, and the same when they are
# most of them (``Matcher._unknown``).
UnknownWords = tuple[tuple[str, ...], tuple[str, ...]]

OUT_OF_SCOPE = Path(__file__).with_name("data") / "out_of_scope.yaml"
# A negative this close to one of the base's own phrasings is something the base answers.
NEGATIVE_OVERLAP = 90
# Bases kept learned per process (the live one, the one being reloaded, tests' bases).
MODEL_CACHE = 8
# Candidates looked at per question: the answer, its runner-up, suggestions, and room
# for entries ruled out ahead of them.
CANDIDATES = 12
# A content word counts as one the base uses when it is one typo away from one ("compnies",
# "firmn": one letter dropped, added or changed), two for words of nine letters or more;
# shorter words must match exactly. A similarity ratio would also take "weather" for
# "whether" (two changes in seven letters).
FUZZY_WORD_CHARS = 5
LONG_WORD_CHARS = 9
# The shortest part of a compound looked for ("Zentrum" yes, "um" no): four letters, the
# shortest German noun stems that compound freely (Haus, Amt, Land with a letter more).
MIN_COMPOUND_PART = 4


@lru_cache(maxsize=1)
def _out_of_scope() -> dict[str, tuple[str, ...]]:
    with OUT_OF_SCOPE.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.BaseLoader)  # questions: text, whatever they say
    return {language: tuple(map(str, questions)) for language, questions in data.items()}


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: str
    score: float  # the ranking score (SVM margin plus edit similarity)
    nearest: float  # cosine of the closest phrasing
    similar: float  # edit similarity of the closest phrasing (re-ranked entries only)
    confidence: float  # calibrated chance that this entry is the right one


@dataclass(frozen=True, slots=True)
class Match:
    """One question's ranking, what was ruled out and why, and the decision."""

    analysis: Analysis
    candidates: tuple[Candidate, ...]  # eligible, best first
    ruled_out: tuple[RuledOut, ...]
    confidence: float  # of the best eligible candidate; 0 when there is none
    decision: str  # intents.decision.ANSWER / SUGGEST / DECLINE
    features: tuple[float, ...] = ()
    # The question's content words the base never uses, when they are most of them.
    unknown: tuple[str, ...] = ()
    # All of its content words the base never uses, however few.
    strange: tuple[str, ...] = ()
    # Set when the question was read wide (``constraints.rule_out(widen=True)``): why.
    widened: str = ""
    # Set when a figure the question names chose the entry (``Matcher._by_figure``): why.
    figured: str = ""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Matcher:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.analyser = Analyser(kb)
        self.entry_ids = list(kb.entries)
        self._index = {entry_id: i for i, entry_id in enumerate(self.entry_ids)}
        texts: list[str] = []
        languages: list[Language] = []
        labels: list[int] = []
        for i, entry in enumerate(kb.entries.values()):
            for language, phrasings in entry.questions.items():
                for phrasing in phrasings:
                    texts.append(phrasing)
                    languages.append(language)
                    labels.append(i)
        self.phrasings = texts
        self.phrasing_languages = languages
        self.labels = np.asarray(labels, dtype=np.int64)
        analyses = [
            self.analyser.analyse(t, lang) for t, lang in zip(texts, languages, strict=True)
        ]
        chars = [a.char_document() for a in analyses]
        words = [a.word_document() for a in analyses]
        by_entry: list[list[Analysis]] = [[] for _ in self.entry_ids]
        for analysis, label in zip(analyses, labels, strict=True):
            by_entry[label].append(analysis)
        self.coverage: list[Coverage] = [
            entry_coverage(kb, entry, by_entry[i]) for i, entry in enumerate(kb.entries.values())
        ]
        # The figures the base states, each with the entries whose facts carry it (numbers,
        # not dates: "2017" is a year, said of everything).
        figures: dict[str, set[int]] = {}
        for i, entry in enumerate(kb.entries.values()):
            for fact_id in entry.facts:
                fact = kb.facts.get(fact_id)
                if fact is not None and isinstance(fact.value, int | float):
                    for figure in figures_of_value(fact.value):
                        figures.setdefault(figure, set()).add(i)
        self._figures = {f: frozenset(e) for f, e in figures.items()}
        # Whether the base has entries asked for what someone said (constraints.rule_out).
        self._quoting = any(c.quoted > COUNT_MAJORITY for c in self.coverage)
        # The places some entry may answer for when a question is read wide.
        self._inner_places = frozenset().union(*(c.within for c in self.coverage))
        # Every word the base uses (phrasings, answers, names), stemmed as questions are.
        # (as typed and stemmed: a question's content words are compared unstemmed)
        vocabulary = {t for a in analyses for t in a.terms}
        vocabulary.update(w for a in analyses for w in words_of(a.folded))
        for entry in kb.entries.values():
            for language, answer in entry.answer.items():
                vocabulary.update(self.analyser.terms_of(answer, language))
        for entity in kb.entities.values():
            for name in entity.all_names():
                for language in kb.languages:
                    vocabulary.update(self.analyser.terms_of(name, language))
        self.vocabulary = frozenset(vocabulary)
        # Every pair of adjacent kanji/kana characters the base uses (phrasings, answers,
        # names): the vocabulary of a script without spaces.
        cjk_texts = [a.folded for a in analyses]
        cjk_texts += [fold(a, limit=None) for e in kb.entries.values() for a in e.answer.values()]
        cjk_texts += [fold(n, limit=None) for e in kb.entities.values() for n in e.all_names()]
        self._cjk_pairs = frozenset(
            text_[i : i + 2] for text_ in cjk_texts if has_cjk(text_) for i in range(len(text_) - 1)
        )
        # Katakana words (loanwords, names) as wholes: their character pairs are shared by
        # unrelated words (レストラン's pairs all occur in other words).
        self._kanji = frozenset(
            ch for text_ in cjk_texts if has_cjk(text_) for ch in text_ if _KANJI.match(ch)
        )
        self._katakana_text = "\n".join(
            word for text_ in cjk_texts for word in _KATAKANA_WORD.findall(text_)
        )
        # Typos are looked for among the words of the question's own language ("winter" is
        # not a typo of German "hinter").
        by_language: dict[str, set[str]] = {}
        for analysis, language in zip(analyses, languages, strict=True):
            bucket = by_language.setdefault(language, set())
            bucket.update(analysis.terms)
            bucket.update(words_of(analysis.folded))
        self._vocabulary_lists = {
            language: sorted(w for w in found if not has_cjk(w))
            for language, found in by_language.items()
        }
        self._vocabulary_list = sorted(w for w in vocabulary if not has_cjk(w))
        self._names = {e.id: next(iter(e.name.values()), e.id) for e in kb.entities.values()}
        n = len(self.entry_ids)
        self.retriever = Retriever(n).fit(chars, words, self.labels) if texts else None

        full = self.retriever

        def fit(rows: np.ndarray) -> Retriever:
            assert full is not None
            return full.subset(rows, self.labels)

        def score(model: Retriever, rows: np.ndarray) -> Scores:
            return model.score_rows(rows)

        negatives = self._negatives(chars)
        negative_analyses = [self.analyser.analyse(q, lang) for q, lang in negatives]

        def score_negatives(model: Retriever) -> Scores:
            return model.score(
                [a.char_document() for a in negative_analyses],
                [a.word_document() for a in negative_analyses],
            )

        def eligible(phrasing: int, model_scores: np.ndarray) -> np.ndarray:
            return self._eligible(analyses[phrasing], model_scores)[0]

        def negative_eligible(row: int, model_scores: np.ndarray) -> np.ndarray:
            return self._eligible(negative_analyses[row], model_scores)[0]

        self.held_out: list[HeldOut] = []
        if self.retriever is not None:
            self.calibration, self.held_out = calibrate(
                fit,
                score,
                self.labels,
                score_negatives if negatives else None,
                self.retriever,
                eligible,
                negative_eligible,
            )
        else:
            self.calibration = Calibration((0.0, 0.0, 0.0, 0.0), -50.0, 0, 0.0, 0, 0.0)

    def learned(self) -> dict[str, Any]:
        """What was learned from the base, without the base and its analyser (both are
        rebuilt from the base in a moment): plain data, fit to be pickled."""
        return {k: v for k, v in vars(self).items() if k not in _NOT_LEARNED}

    @classmethod
    def restore(cls, kb: KnowledgeBase, learned: dict[str, Any]) -> Matcher:
        """The matcher ``learned()`` came from, for the same base (same fingerprint)."""
        matcher = cls.__new__(cls)
        vars(matcher).update(learned)
        matcher.kb = kb
        matcher.analyser = Analyser(kb)
        return matcher

    def _negatives(self, chars: list[str]) -> list[tuple[str, Language]]:
        kept: list[tuple[str, Language]] = []
        for language in self.kb.languages:
            for question in _out_of_scope().get(language, ()):
                folded = self.analyser.analyse(question, language).char_document()
                best = process.extractOne(folded, chars, scorer=fuzz.ratio) if chars else None
                if best is None or best[1] < NEGATIVE_OVERLAP:
                    kept.append((question, language))
        return kept

    def covered(self, entry_id: str) -> Coverage:
        return self.coverage[self._index[entry_id]]

    def match(self, analysis: Analysis) -> Match:
        return self.match_all([analysis])[0]

    def match_all(self, analyses: Sequence[Analysis]) -> list[Match]:
        """Each question matched on its own (the sentences of a message), scored together:
        the weights' rows are gathered once for all of them (``Retriever.score_few``)."""
        retriever = self.retriever
        if retriever is None:
            return [Match(a, (), (), 0.0, DECLINE) for a in analyses]
        if len(analyses) == 1:
            a = analyses[0]
            return [self._decide(a, retriever.score([a.char_document()], [a.word_document()]), 0)]
        scores = retriever.score_few(
            [a.char_document() for a in analyses], [a.word_document() for a in analyses]
        )
        return [self._decide(a, scores, row) for row, a in enumerate(analyses)]

    def _decide(self, analysis: Analysis, scores: Scores, row: int) -> Match:
        words = self._unknown(analysis)  # the same for every reading below
        match = self._read_wide_or_narrow(analysis, scores, row, words)
        if match.decision == ANSWER:
            return match
        return self._by_figure(analysis, scores, row, words) or match

    def _read_wide_or_narrow(
        self, analysis: Analysis, scores: Scores, row: int, words: UnknownWords
    ) -> Match:
        """The match read narrowly and, when the question names a place that lies within
        one an entry covers, read wide: the wide reading is kept when it answers. Its best
        entry then outranks, on the model's score, whatever answered the narrow reading
        (that entry is eligible in both), so the wide reading is the model's choice."""
        narrow = self._decide_on(analysis, scores, row, words, widen=False)
        inner = [
            m
            for m in analysis.mentions
            if KIND_FAMILY.get(m.kind, m.kind) == PLACE and m.ref in self._inner_places
        ]
        places = {m.ref for m in inner}
        admitted = [
            self._index[r.entry]
            for r in narrow.ruled_out
            if r.reason == OTHER_NAME and self.covered(r.entry).within & places
        ]
        model = scores.model[row]
        if not admitted or (
            narrow.best is not None
            and model[admitted].max() <= model[self._index[narrow.best.entry]]
        ):
            # No entry the wide reading would admit outranks the narrow reading's best:
            # it would be the wide reading's best too.
            return narrow
        wide = self._decide_on(analysis, scores, row, words, widen=True)
        if wide.decision != ANSWER or wide.best is None:
            return narrow
        if self._index[wide.best.entry] not in admitted:
            return narrow  # the wide reading answers with an entry the narrow one weighed
        outer = self.covered(wide.best.entry).covers.get(PLACE, frozenset())
        said = ", ".join(dict.fromkeys(m.surface for m in inner))
        shown = ", ".join(sorted(self._names.get(r, r) for r in outer))
        note = (
            f"nothing answers {said} itself; {wide.best.entry} covers {shown}, which it lies"
            " within, and states no number"
        )
        return dataclasses.replace(wide, widened=note)

    def _by_figure(
        self, analysis: Analysis, scores: Scores, row: int, words: UnknownWords
    ) -> Match | None:
        """A question that names a figure on file ("is 384 still correct today?", "今も
        600社以上ですか") read as asking about the entries that state it: the question is
        decided among those alone, and that reading is kept when it answers. The other
        stages still apply (what it names, counts or never mentions)."""
        found = [f for f in dict.fromkeys(figures_in(analysis.question)) if f in self._figures]
        if not found:
            return None
        stating = frozenset.intersection(*(self._figures[f] for f in found))
        if not stating:
            return None
        match = self._decide_on(analysis, scores, row, words, widen=False, only=stating)
        if match.decision != ANSWER or match.best is None:
            return None
        note = f"the question names {', '.join(found)}, a figure {match.best.entry} states"
        return dataclasses.replace(match, figured=note)

    def _decide_on(
        self,
        analysis: Analysis,
        scores: Scores,
        row: int,
        words: UnknownWords,
        widen: bool,
        only: frozenset[int] | None = None,
    ) -> Match:
        eligible, ruled, order = self._eligible(analysis, scores.model[row], widen, only)
        # Entries beyond the candidates are not looked at; they stay eligible only as
        # runners-up, so a lead is never measured against nothing.
        best, _, features = ranking_features(scores, row, eligible)
        if best < 0 or not eligible[order].any():
            return Match(analysis, (), tuple(ruled), 0.0, DECLINE)
        confidence = self.calibration.confidence(features)
        candidates = [self._candidate(scores, row, best, confidence)]
        # Suggestions: the next eligible entries, each as confident as it would be were
        # the ones above it not there.
        mask = eligible.copy()
        mask[best] = False
        for i in order:
            if len(candidates) >= MAX_SUGGESTIONS or not mask.any():
                break
            if not mask[i]:
                continue
            nxt, _, feats = ranking_features(scores, row, mask)
            if nxt != i:
                continue
            alone = self.calibration.confidence(feats)
            mask[i] = False
            if alone >= SUGGEST_CONFIDENCE:
                candidates.append(self._candidate(scores, row, int(i), alone))
        decision = decide(confidence)
        sourced = self.covered(self.entry_ids[best]).sourced
        # A figure on file is something of its own to ask about ("is 384 still right?").
        if decision == ANSWER and analysis.asks_nothing and sourced and only is None:
            decision = SUGGEST
            ruled.append(
                RuledOut(
                    self.entry_ids[best],
                    UNSAID,
                    "the question asks nothing of its own (only names, question and"
                    " function words); a fact is never stated for it",
                )
            )
        strange, unknown = words
        if decision == ANSWER and unknown and sourced:
            decision = SUGGEST
            ruled.append(
                RuledOut(
                    self.entry_ids[best],
                    UNSAID,
                    f"the base never mentions {', '.join(unknown)}: the question is about"
                    " something else",
                )
            )
        unsaid = self._unsaid(analysis, candidates)
        if unsaid is not None and decision == ANSWER:
            decision = SUGGEST
            ruled.append(unsaid)
        return Match(
            analysis,
            tuple(candidates),
            tuple(ruled),
            confidence,
            decision,
            tuple(float(f) for f in features),
            unknown,
            strange,
        )

    def ranked(self, analysis: Analysis, limit: int = MAX_SUGGESTIONS) -> tuple[Candidate, ...]:
        """The ``limit`` entries closest to the question, constraints aside, each with the
        confidence it would have were the entries above it not there.

        What a curator chooses from when an unanswered question becomes a phrasing: the
        entry it belongs to may be one the constraints rule out today (its phrasings do
        not yet cover what the question names), and it may rank low.
        """
        if self.retriever is None:
            return ()
        scores = self.retriever.score([analysis.char_document()], [analysis.word_document()])
        remaining = np.ones(len(self.entry_ids), dtype=bool)
        found: list[Candidate] = []
        while len(found) < limit and remaining.any():
            best, _, features = ranking_features(scores, 0, remaining)
            confidence = self.calibration.confidence(features)
            found.append(self._candidate(scores, 0, best, confidence))
            remaining[best] = False
        return tuple(found)

    def _unknown(self, analysis: Analysis) -> UnknownWords:
        """The question's content words the base never uses (not even misspelt): all of
        them, and the same when they are most of them (then the question is about
        something else), else nothing.

        A kanji/kana run has no word boundaries: it is unknown when most of its character
        pairs, with the names and cue phrases in it taken out, occur nowhere in the base
        ("法人税率": 税率 and 人税 are not the base's).
        """
        # What the question says besides its names: "Springfield's zoo" is about a zoo.
        counted = 0
        unknown = []
        for word in analysis.unnamed_content:
            if has_cjk(word):
                strange = self._unknown_run(word, analysis)
                if strange is None:
                    continue  # nothing of the run but names
                counted += 1
                if strange:
                    unknown.append(word)
                continue
            counted += 1
            if (
                word not in self.vocabulary
                and not self._compound_of_known(word)
                and not (
                    len(word) >= FUZZY_WORD_CHARS
                    and process.extractOne(
                        word,
                        self._vocabulary_lists.get(analysis.language or "", self._vocabulary_list),
                        scorer=Levenshtein.distance,
                        score_cutoff=2 if len(word) >= LONG_WORD_CHARS else 1,
                    )
                )
            ):
                unknown.append(word)
        return tuple(unknown), tuple(unknown) if 2 * len(unknown) > counted else ()

    def _compound_of_known(self, word: str) -> bool:
        """A long word made of two words the base uses, with or without a linking "s"
        ("Unternehmens|vertreter", "Innovations|zentrum"): compounds are written as one
        word in German, and the base may have used their parts apart."""
        if len(word) < LONG_WORD_CHARS:
            return False
        for cut in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
            head, tail = word[:cut], word[cut:]
            if tail in self.vocabulary and (
                head in self.vocabulary or (head.endswith("s") and head[:-1] in self.vocabulary)
            ):
                return True
        return False

    def _unknown_run(self, run: str, analysis: Analysis) -> bool | None:
        """Whether a kanji/kana run is unknown; None when nothing is left of it but names."""
        pieces = [run]
        for surface in sorted((m.surface for m in analysis.mentions), key=len, reverse=True):
            pieces = [part for piece in pieces for part in piece.split(surface)]
        # Katakana words are judged whole (known when some word of the base holds them);
        # the rest by its pairs of characters. Pairs of hiragana alone are particles and
        # endings (の, はい, ですか), which every base has, so they do not count.
        units: list[bool] = []
        rest: list[str] = []
        for piece in pieces:
            units += [w in self._katakana_text for w in _KATAKANA_WORD.findall(piece)]
            rest += _KATAKANA_WORD.split(piece)
        pairs = [p[i : i + 2] for p in rest for i in range(len(p) - 1)]
        units += [pair in self._cjk_pairs for pair in pairs if _CONTENT_SCRIPT.search(pair)]
        # A kanji left alone beside names (祭 of 日本祭) that the base never writes is a word
        # of its own; one the base writes says little (a kanji is part of many words).
        units += [False for p in rest if len(p) == 1 and _KANJI.match(p) and p not in self._kanji]
        if not units:
            return None
        return 2 * units.count(False) > len(units)

    def _eligible(
        self,
        analysis: Analysis,
        model_scores: np.ndarray,
        widen: bool = False,
        only: frozenset[int] | None = None,
    ) -> tuple[np.ndarray, list[RuledOut], np.ndarray]:
        """The constraint stage over the best ``CANDIDATES`` (or over ``only``, the entries
        a figure points at, all others out: then the lead of the best is measured against
        those alone, the figure having set the rest aside): who may answer, who may not."""
        ruled: list[RuledOut] = []
        if only is not None:
            eligible = np.zeros(len(self.entry_ids), dtype=bool)
            top = np.fromiter(only, dtype=np.int64)
            eligible[top] = True
        else:
            eligible = np.ones(len(self.entry_ids), dtype=bool)
            k = min(CANDIDATES, len(self.entry_ids))
            top = np.argpartition(-model_scores, k - 1)[:k]
        order = top[np.argsort(-model_scores[top], kind="stable")]
        for i in order:
            reason = rule_out(
                self.entry_ids[i],
                self.coverage[i],
                analysis,
                self._names,
                widen,
                self._quoting,
                figured=only is not None,
            )
            if reason is not None:
                eligible[i] = False
                ruled.append(reason)
        return eligible, ruled, order

    def _unsaid(self, analysis: Analysis, candidates: list[Candidate]) -> RuledOut | None:
        """The question does not say which of two plausible entries it means.

        "How many?" fits the count of companies and the count of residents alike: when the
        best entry and a runner-up good enough to suggest cover different things of one
        kind (places, nationalities, what is counted) and the question names nothing of
        that kind, answering would pick one at random; the user is asked instead. A rival
        is a runner-up that would be answered were the best entry not there.
        """
        if len(candidates) < 2:
            return None
        best = self.covered(candidates[0].entry)
        named = {KIND_FAMILY.get(m.kind, m.kind) for m in analysis.mentions}
        for other in candidates[1:]:
            if other.confidence < ANSWER_CONFIDENCE:
                continue  # not a rival: it would not be answered even alone
            runner = self.covered(other.entry)
            for family in (PLACE, NATIONALITY) if analysis.counting else ():
                mine, theirs = best.covers.get(family), runner.covers.get(family)
                if family not in named and mine and theirs and mine != theirs:
                    return RuledOut(
                        candidates[0].entry,
                        UNSAID,
                        f"the question names no {family}; {candidates[0].entry} and"
                        f" {other.entry} differ in it",
                    )
            counted = analysis.counts_people or analysis.counts_organisations
            if (
                analysis.counting
                and not counted
                and best.counts
                and runner.counts
                and best.counts != runner.counts
            ):
                return RuledOut(
                    candidates[0].entry,
                    UNSAID,
                    f"the question does not say what it counts; {candidates[0].entry} counts"
                    f" {best.counts}, {other.entry} {runner.counts}",
                )
        return None

    def _candidate(self, scores: Scores, row: int, entry: int, confidence: float) -> Candidate:
        return Candidate(
            self.entry_ids[entry],
            round(float(scores.model[row, entry]), 4),
            round(float(scores.nearest[row, entry]), 4),
            round(float(scores.similar[row, entry]), 4),
            round(confidence, 4),
        )


# A katakana word: two or more katakana (with the prolonged sound mark and middle dot).
_KATAKANA_WORD = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff]{2,}")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Kanji and katakana (with its prolonged sound mark): the scripts of content words.
_CONTENT_SCRIPT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u30a0-\u30ff\u31f0-\u31ff]")
# Rebuilt from the base on restore: the base holds read-only views, the analyser a cache.
_NOT_LEARNED = frozenset({"kb", "analyser"})
_CACHE: OrderedDict[str, Matcher] = OrderedDict()
_LOCK = threading.Lock()


class LearnedModels(Protocol):
    """Where learned matchers are kept between processes (``bot/stores/models.py`` keeps
    them in files). ``key`` names the base and the code that learned it."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, learned: dict[str, Any]) -> None: ...


def learning_key(kb: KnowledgeBase) -> str:
    """The base's fingerprint and the learning code's: a model learned by other code (or
    other library versions) from the same files is not the same model."""
    return f"{kb.fingerprint}-{_code_fingerprint()}"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted([*package.glob("*.py"), *package.glob("data/*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for library in ("numpy", "scipy", "scikit-learn", "rapidfuzz"):
        digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()[:16]


def is_learned(kb: KnowledgeBase) -> bool:
    """Whether this process holds the base's matcher already (``matcher_for`` returns it
    at once)."""
    with _LOCK:
        cached = _CACHE.get(kb.fingerprint) if kb.fingerprint else None
        return cached is not None and cached.kb.entries.keys() == kb.entries.keys()


def matcher_for(kb: KnowledgeBase, models: LearnedModels | None = None) -> Matcher:
    """The base's matcher, learned once per fingerprint (bases without one: every time);
    with ``models``, also learned once across processes."""
    key = kb.fingerprint
    if not key:
        return Matcher(kb)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.kb.entries.keys() == kb.entries.keys():
            _CACHE.move_to_end(key)
            return cached
    matcher: Matcher | None = None
    if models is not None:
        learned = models.get(learning_key(kb))
        if learned is not None:
            matcher = Matcher.restore(kb, learned)
    if matcher is None:
        matcher = Matcher(kb)
        if models is not None:
            models.put(learning_key(kb), matcher.learned())
    with _LOCK:
        _CACHE[key] = matcher
        while len(_CACHE) > MODEL_CACHE:
            _CACHE.popitem(last=False)
    return matcher
