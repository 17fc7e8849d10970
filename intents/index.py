"""The search index over every phrasing of a base, built once per base.

Retrieval is an inverted index from terms to phrasings with IDF weights (computed over
entries, so a word every entry uses weighs nothing). Question terms missing from the
vocabulary are looked up typo-tolerantly (rapidfuzz over the vocabulary, cached) or split
as German compounds. The best candidates are then rescored by how much of the question
the phrasing covers and how much of the phrasing the question covers, both weighted by
IDF, with a penalty when each side has weight the other lacks (a substitution:
"restaurants" where the base says "companies").
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from intents.analysis import Analyser, Analysis, term_of
from intents.entities import ENTITY_PREFIX
from intents.normalise import is_japanese_word, is_kana_only
from knowledge import KnowledgeBase

_PLACEHOLDER = re.compile(r"\{(?:value|fact|quote|speaker|entity):[^{}\s]+\}")

# The score of a phrasing: how much of the question it covers, how much of it the question
# covers, how much of the question the entry's phrasings cover together, and the better
# of the first two (so neither a terse nor a chatty question is punished for its length).
# Calibrated on tests/eval/dev.yaml and the fixture bases' cases.
WEIGHT_QUESTION = 0.2
WEIGHT_PHRASING = 0.2
WEIGHT_ENTRY = 0.4
WEIGHT_BEST_SIDE = 0.2
# A question word found only in the entry's answer counts this much.
ANSWER_SHARE = 0.6
# Both sides having weight the other lacks is a substitution ("restaurants" for "companies").
SUBSTITUTION_PENALTY = 0.5
# Core terms: distinctive (IDF at least this share of the highest) and in this share of
# an entry's phrasings of one language. Missing them while the question has this much
# weight the entry lacks is a substitution.
CORE_MIN_IDF_SHARE = 0.5
CORE_SHARE = 0.6
CORE_SLACK = 0.15
CORE_MISSING_FACTOR = 0.65
# How many of the best phrasings are grouped into entries.
_RESCORE = 256
# A question word the base never uses counts as much as a word used by one entry in
# this share: unknown words matter ("restaurants"), but chatty filler must not sink a match.
UNKNOWN_WEIGHT = 0.8
UNKNOWN_SHARING = 0.7
# Typos: one edit (a transposition counts as one) in words of 5 to 7 letters, two in longer.
_MIN_FUZZY_LEN = 5
_FUZZY_LONG = 8
# Japanese has no typo tolerance; an unknown bigram weighs little, kana-only ones least.
_UNKNOWN_JAPANESE = 0.4
_UNKNOWN_KANA = 0.1
_COMPOUND_MIN_LEN = 8
# Morphology by shared prefix or compound head: how close such a term counts.
_MORPH_MIN = 4
_HEAD_MIN = 5
_MORPH_CLOSE = 0.85
_MORPH_FAR = 0.7
_COMPOUND_PART_MIN = 3

# Kinds of question, told apart by their question words; "what"/"which" fit any kind.
_QUESTION_KINDS = {
    "count": (
        "how many",
        "how much",
        "wie viele",
        "wie viel",
        "wieviele",
        "number",
        "count",
        "anzahl",
        "zahl",
        "何社",
        "何人",
        "いくつ",
        "何名",
        "数",
    ),
    "time": ("when", "wann", "いつ", "何日", "何年"),
    "place": ("where", "wo", "wohin", "どこ"),
    "person": ("who", "whom", "wer", "wen", "wem", "誰", "だれ", "どなた"),
}
# An entry none of whose phrasings asks this kind of question ("how many" to an entry
# that never counts) is a poor match, however many words it shares.
KIND_MISMATCH_FACTOR = 0.75
_DOMINANT_SHARE = 0.8
DOMINANT_KIND_FACTOR = 0.85
_KIND_OF_WORD = {
    marker: kind
    for kind, markers in _QUESTION_KINDS.items()
    for marker in markers
    if marker.isascii() and " " not in marker
}
_KIND_OF_PAIR = {
    tuple(marker.split()): kind
    for kind, markers in _QUESTION_KINDS.items()
    for marker in markers
    if marker.isascii() and " " in marker
}
_PAIR_STARTS = frozenset(first for first, _ in _KIND_OF_PAIR)
_KIND_JAPANESE = tuple(
    (marker, kind)
    for kind, markers in _QUESTION_KINDS.items()
    for marker in markers
    if not marker.isascii()
)


_KIND_MARKERS = frozenset(_KIND_OF_WORD)


def question_kinds(analysis: Analysis) -> frozenset[str]:
    kinds = {_KIND_OF_WORD[w] for w in _KIND_MARKERS.intersection(analysis.words)}
    if not _PAIR_STARTS.isdisjoint(analysis.words):
        ws = analysis.words
        kinds.update(_KIND_OF_PAIR[p] for p in itertools.pairwise(ws) if p in _KIND_OF_PAIR)
    if analysis.japanese:
        japanese = "".join(analysis.words)
        kinds.update(kind for marker, kind in _KIND_JAPANESE if marker in japanese)
    return frozenset(kinds)


def _group(keys: np.ndarray, values: np.ndarray, n_keys: int) -> list[np.ndarray]:
    """``values`` grouped by ``keys`` (0 <= key < n_keys): one array per key."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n_keys) if keys.size else np.zeros(n_keys, np.int64)
    return np.split(values[order].astype(np.int32), np.cumsum(counts)[:-1])


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: str
    score: float  # 0..100
    phrasing: str  # the phrasing that matched best
    language: str  # that phrasing's language


@dataclass(frozen=True, slots=True)
class _QueryTerm:
    weight: float
    hits: dict[int, float]  # vocabulary id -> similarity 0..1


class SearchIndex:
    def __init__(self, kb: KnowledgeBase, analyser: Analyser) -> None:
        self.analyser = analyser
        self.entry_ids: list[str] = list(kb.entries)
        n_entries = len(self.entry_ids)
        phrasing_entry: list[int] = []
        self.phrasing_text: list[str] = []
        self.phrasing_language: list[str] = []
        phrasing_terms: list[tuple[str, ...]] = []
        self.phrasing_kinds: list[frozenset[str]] = []
        self.entry_analyses: list[list[Analysis]] = []
        self.answer_analyses: list[list[Analysis]] = []

        # The base's own texts are spelled as curated: no typo tolerance needed there.
        known: set[str] = set()
        for ei, entry in enumerate(kb.entries.values()):
            analyses: list[Analysis] = []
            for language, questions in entry.questions.items():
                for q in questions:
                    a = analyser.analyse(q, fuzzy=False)
                    analyses.append(a)
                    known.update(a.words)
                    phrasing_entry.append(ei)
                    self.phrasing_text.append(q)
                    self.phrasing_language.append(language)
                    phrasing_terms.append(a.terms)
                    self.phrasing_kinds.append(question_kinds(a))
            self.entry_analyses.append(analyses)
            self.answer_analyses.append(
                [
                    analyser.analyse(_PLACEHOLDER.sub(" ", answer), limit=None, fuzzy=False)
                    for answer in entry.answer.values()
                ]
            )
        analyser.known_words = frozenset(w for w in known if not is_japanese_word(w))

        vocabulary: dict[str, int] = {}
        phrasing_ids: list[list[int]] = []
        for terms in phrasing_terms:
            ids = []
            for t in terms:
                vid = vocabulary.get(t)
                if vid is None:
                    vid = vocabulary[t] = len(vocabulary)
                ids.append(vid)
            phrasing_ids.append(ids)
        phrasing_vocabulary_size = len(vocabulary)
        self.vocabulary = vocabulary

        # German compounds of the base split into parts the base also uses.
        self._compound_cache: dict[str, tuple[str, ...] | None] = {}
        compounds = {
            t: parts
            for t in vocabulary
            if len(t) >= _COMPOUND_MIN_LEN and (parts := self._split_compound(t))
        }
        expanded: list[list[int]] = phrasing_ids
        if compounds:
            for terms, ids in zip(phrasing_terms, phrasing_ids, strict=True):
                for t in terms:
                    parts = compounds.get(t)
                    if parts:
                        ids.extend(vocabulary[p] for p in parts if vocabulary[p] not in ids)

        # The answers' words back a question up when its phrasings miss them.
        answer_ids: list[set[int]] = []
        for analyses in self.answer_analyses:
            ids_set: set[int] = set()
            for a in analyses:
                for t in a.terms:
                    vid = vocabulary.get(t)
                    if vid is None:
                        vid = vocabulary[t] = len(vocabulary)
                    ids_set.add(vid)
            answer_ids.append(ids_set)
        n_terms = len(vocabulary)

        lengths = np.fromiter((len(ids) for ids in expanded), dtype=np.int64, count=len(expanded))
        flat_ids = np.fromiter(
            (vid for ids in expanded for vid in ids), dtype=np.int64, count=int(lengths.sum())
        )
        self.phrasing_entry = np.asarray(phrasing_entry, dtype=np.int32)
        flat_phrasing = np.repeat(np.arange(len(expanded), dtype=np.int32), lengths)
        flat_entry = self.phrasing_entry[flat_phrasing]

        # Document frequency over entries: a (term, entry) pair counts once.
        pairs = np.unique(flat_ids * max(n_entries, 1) + flat_entry)
        pair_ids, pair_entries = pairs // max(n_entries, 1), pairs % max(n_entries, 1)
        entry_df = np.bincount(pair_ids, minlength=n_terms)
        self.max_idf = math.log((n_entries + 1) / 1.5)
        idf = np.maximum(np.log((n_entries + 1) / (entry_df + 0.5)), 0.05)
        idf[phrasing_vocabulary_size:] = self.max_idf * UNKNOWN_WEIGHT
        self.idf = idf
        self._idf_list: list[float] = idf.tolist()

        self.n_phrasings = len(expanded)
        weights = np.zeros(self.n_phrasings)
        np.add.at(weights, flat_phrasing, idf[flat_ids])
        self.phrasing_weight = np.where(weights > 0, weights, 1.0)
        self.postings = _group(flat_ids, flat_phrasing, n_terms)
        self.entry_postings = _group(pair_ids, pair_entries.astype(np.int32), n_terms)
        in_answers = [(vid, ei) for ei, ids_set in enumerate(answer_ids) for vid in ids_set]
        answer_pairs = np.asarray(in_answers, dtype=np.int64).reshape(-1, 2)
        if answer_pairs.size:
            # Only entries whose phrasings lack the term: those have it at full weight.
            known_pairs = set(pairs.tolist())
            keep = np.fromiter(
                (vid * max(n_entries, 1) + ei not in known_pairs for vid, ei in in_answers),
                dtype=bool,
                count=len(in_answers),
            )
            answer_pairs = answer_pairs[keep]
        self.answer_postings = _group(
            answer_pairs[:, 0], answer_pairs[:, 1].astype(np.int32), n_terms
        )

        self._kind_factor_cache: dict[frozenset[str], np.ndarray] = {}
        # Per entry and language: the distinctive terms (nearly) all its phrasings share.
        self.entry_core: list[dict[str, frozenset[int]]] = [{} for _ in range(n_entries)]
        distinctive = idf >= CORE_MIN_IDF_SHARE * self.max_idf
        by_language: dict[tuple[int, str], list[list[int]]] = {}
        for pi, ids in enumerate(expanded):
            by_language.setdefault((phrasing_entry[pi], self.phrasing_language[pi]), []).append(ids)
        for (ei, language), lists in by_language.items():
            if len(lists) < 2:
                continue
            shared = Counter(vid for ids in lists for vid in set(ids) if distinctive[vid])
            needed = CORE_SHARE * len(lists)
            core = frozenset(vid for vid, n in shared.items() if n >= needed)
            if core:
                self.entry_core[ei][language] = core
        self._fuzzy_terms = [
            t for t in vocabulary if t.isascii() and t.isalpha() and len(t) >= _MIN_FUZZY_LEN - 1
        ]
        self._fuzzy_cache: dict[str, dict[int, float]] = {}
        self._related_cache: dict[str, dict[int, float]] = {}
        self._sorted_terms = sorted(
            t for t in vocabulary if t.isascii() and t.isalpha() and not t.startswith(ENTITY_PREFIX)
        )
        # The kinds of question an entry's phrasings ask, and the one (nearly) all of them
        # ask: "how many" entries do not answer "what subsidies ...".
        kind_counts: dict[int, Counter[str]] = {}
        phrasing_counts = np.bincount(self.phrasing_entry, minlength=n_entries)
        for pi, kinds in enumerate(self.phrasing_kinds):
            if kinds:
                kind_counts.setdefault(phrasing_entry[pi], Counter()).update(kinds)
        self.entry_kinds: list[frozenset[str]] = [frozenset()] * n_entries
        self.entry_dominant_kind: list[str | None] = [None] * n_entries
        for ei, counts in kind_counts.items():
            self.entry_kinds[ei] = frozenset(counts)
            kind, count = counts.most_common(1)[0]
            if count >= _DOMINANT_SHARE * phrasing_counts[ei]:
                self.entry_dominant_kind[ei] = kind

    # -- vocabulary look-ups -------------------------------------------------------

    def _split_compound(self, term: str) -> tuple[str, ...] | None:
        if term in self._compound_cache:
            return self._compound_cache[term]
        best: tuple[str, ...] | None = None
        if term.isascii() and term.isalpha() and not term.startswith(ENTITY_PREFIX):
            for i in range(len(term) - _COMPOUND_PART_MIN, _COMPOUND_PART_MIN - 1, -1):
                left, right = term[:i], term[i:]
                right_term = term_of(right)
                if right_term not in self.vocabulary:
                    continue
                for left_form in (left, left[:-1] if left.endswith("s") else None):
                    if left_form and len(left_form) >= _COMPOUND_PART_MIN:
                        left_term = term_of(left_form)
                        if left_term in self.vocabulary and left_term != term:
                            best = (left_term, right_term)
                            break
                if best:
                    break
        if len(self._compound_cache) < 100_000:
            self._compound_cache[term] = best
        return best

    def _fuzzy(self, term: str) -> dict[int, float]:
        cached = self._fuzzy_cache.get(term)
        if cached is not None:
            return cached
        edits = 2 if len(term) >= _FUZZY_LONG else 1
        found = process.extract(
            term, self._fuzzy_terms, scorer=OSA.distance, score_cutoff=edits, limit=3
        )
        hits = {self.vocabulary[t]: 1.0 - 0.1 * distance for t, distance, _ in found}
        if len(self._fuzzy_cache) < 100_000:
            self._fuzzy_cache[term] = hits
        return hits

    @property
    def unknown_weight(self) -> float:
        return self.max_idf * UNKNOWN_WEIGHT

    def _related(self, term: str) -> dict[int, float]:
        """Vocabulary terms sharing a long prefix or head with ``term`` ("pay"/"payment",
        "Leseausweis"/"Ausweis"): morphology the light stemmer does not reach."""
        cached = self._related_cache.get(term)
        if cached is not None:
            return cached
        found: dict[int, float] = {}
        n = len(term)
        vocabulary = self.vocabulary
        if n >= _MORPH_MIN:
            position = bisect.bisect_left(self._sorted_terms, term)
            while position < len(self._sorted_terms) and len(found) < 8:
                other = self._sorted_terms[position]
                if not other.startswith(term):
                    break
                if other != term:
                    found[vocabulary[other]] = _MORPH_CLOSE if len(other) - n <= 3 else _MORPH_FAR
                position += 1
            for size in range(_MORPH_MIN, n):
                vid = vocabulary.get(term[:size])
                if vid is not None:
                    found[vid] = max(
                        found.get(vid, 0.0), _MORPH_CLOSE if n - size <= 3 else _MORPH_FAR
                    )
            for start in range(_COMPOUND_PART_MIN, n - _HEAD_MIN + 1):
                vid = vocabulary.get(term[start:])
                if vid is not None:
                    found[vid] = max(found.get(vid, 0.0), _MORPH_FAR)
                    break
        found = dict(sorted(found.items(), key=lambda item: -item[1])[:4])
        if len(self._related_cache) < 100_000:
            self._related_cache[term] = found
        return found

    def _resolve(self, terms: tuple[str, ...]) -> list[_QueryTerm]:
        resolved: list[_QueryTerm] = []
        vocabulary = self.vocabulary
        idf = self._idf_list
        for term in terms:
            vid = vocabulary.get(term)
            if term.startswith(ENTITY_PREFIX):
                if vid is None:
                    resolved.append(_QueryTerm(self.unknown_weight, {}))
                else:
                    resolved.append(_QueryTerm(idf[vid], {vid: 1.0}))
                continue
            if not term.isascii():
                if vid is not None:
                    resolved.append(_QueryTerm(idf[vid], {vid: 1.0}))
                else:
                    share = _UNKNOWN_KANA if is_kana_only(term) else _UNKNOWN_JAPANESE
                    resolved.append(_QueryTerm(self.unknown_weight * share, {}))
                continue
            if term.isdigit():
                if vid is not None:
                    resolved.append(_QueryTerm(idf[vid], {vid: 1.0}))
                else:
                    resolved.append(_QueryTerm(self.unknown_weight * 0.5, {}))
                continue
            hits: dict[int, float] = {}
            if term.isalpha():
                hits.update(self._related(term))
            if vid is not None:
                hits[vid] = 1.0
                resolved.append(_QueryTerm(idf[vid], hits))
                continue
            if len(term) >= _COMPOUND_MIN_LEN:
                parts = self._split_compound(term)
                if parts:
                    for part in parts:
                        pid = vocabulary[part]
                        resolved.append(_QueryTerm(idf[pid], {pid: 1.0}))
                    continue
            if len(term) >= _MIN_FUZZY_LEN and term.isalpha():
                for fid, sim in self._fuzzy(term).items():
                    hits[fid] = max(hits.get(fid, 0.0), sim)
            if hits:
                resolved.append(_QueryTerm(max(idf[v] for v in hits), hits))
            else:
                resolved.append(_QueryTerm(self.unknown_weight, {}))
        # One unknown word in a short question is what it asks about ("buses" where the
        # base has ferries); many are chatty context, so they share their weight.
        unknown = [i for i, q in enumerate(resolved) if not q.hits]
        if len(unknown) > 1:
            share = len(unknown) ** -UNKNOWN_SHARING
            for i in unknown:
                resolved[i] = _QueryTerm(resolved[i].weight * share, {})
        return resolved

    # -- search --------------------------------------------------------------------

    def search(self, query: Analysis, limit: int = 8) -> list[Candidate]:
        """Entries best first, each with its best phrasing; scores 0..100.

        Every phrasing is scored at once with array arithmetic over the postings of the
        question's terms, so the cost grows with the postings touched, not with Python
        loops over candidates.
        """
        resolved = self._resolve(query.terms)
        total_weight = sum(q.weight for q in resolved)
        if not resolved or total_weight <= 0:
            return []
        n_entries = len(self.entry_ids)
        matched_q = np.zeros(self.n_phrasings)
        matched_e = np.zeros(n_entries)
        best_sim: dict[int, float] = {}
        for q in resolved:
            if not q.hits:
                continue
            if len(q.hits) == 1:
                ((vid, sim),) = q.hits.items()
                matched_q[self.postings[vid]] += q.weight * sim
                matched_e[self.entry_postings[vid]] += q.weight * sim
                in_answers = self.answer_postings[vid]
                if in_answers.size:
                    matched_e[in_answers] += q.weight * sim * ANSWER_SHARE
            else:
                # The best of a term's variants counts: assign in rising order, so the
                # highest similarity is the one left standing.
                term_q = np.zeros(self.n_phrasings)
                term_e = np.zeros(n_entries)
                ascending = sorted(q.hits.items(), key=lambda item: item[1])
                for vid, sim in ascending:
                    term_e[self.answer_postings[vid]] = sim * ANSWER_SHARE
                for vid, sim in ascending:
                    term_q[self.postings[vid]] = sim
                    term_e[self.entry_postings[vid]] = sim
                matched_q += q.weight * term_q
                matched_e += q.weight * term_e
            for vid, sim in q.hits.items():
                if sim > best_sim.get(vid, 0.0):
                    best_sim[vid] = sim
        touched = np.flatnonzero(matched_q)
        if touched.size == 0:
            return []
        matched_p = np.zeros(self.n_phrasings)
        for vid, sim in best_sim.items():
            matched_p[self.postings[vid]] += self.idf[vid] * sim

        entries = self.phrasing_entry[touched]
        q_cover = matched_q[touched] / total_weight
        p_cover = matched_p[touched] / self.phrasing_weight[touched]
        e_cover = matched_e[entries] / total_weight
        better = np.maximum(q_cover, p_cover)
        score = (
            WEIGHT_QUESTION * q_cover
            + WEIGHT_PHRASING * p_cover
            + WEIGHT_ENTRY * e_cover
            + WEIGHT_BEST_SIDE * better
        )
        score *= 1.0 - SUBSTITUTION_PENALTY * np.minimum(
            1.0 - np.maximum(q_cover, e_cover), 1.0 - p_cover
        )
        score *= self._kind_factors(question_kinds(query))[entries]

        if touched.size > _RESCORE:
            keep = np.argpartition(score, touched.size - _RESCORE)[touched.size - _RESCORE :]
        else:
            keep = np.arange(touched.size)
        best: dict[int, tuple[float, int]] = {}
        for position in keep[np.argsort(-score[keep], kind="stable")].tolist():
            ei = int(entries[position])
            if ei not in best:
                value = float(score[position])
                pi = int(touched[position])
                core = self.entry_core[ei].get(self.phrasing_language[pi])
                # A substitution: the question lacks what (nearly) every phrasing of the
                # entry says, and says something else instead ("buses" for "ferries").
                if (
                    core
                    and not core.issubset(best_sim)
                    and matched_e[ei] < (1.0 - CORE_SLACK) * total_weight
                ):
                    value *= CORE_MISSING_FACTOR
                best[ei] = (value, pi)
                if len(best) >= limit + 2:
                    break
        ranked = sorted(best.items(), key=lambda item: -item[1][0])[:limit]
        return [
            Candidate(
                self.entry_ids[ei],
                round(100.0 * entry_score, 2),
                self.phrasing_text[pi],
                self.phrasing_language[pi],
            )
            for ei, (entry_score, pi) in ranked
        ]

    def _kind_factors(self, query_kinds: frozenset[str]) -> np.ndarray:
        """Per entry: 1, or less when the entry does not ask this kind of question."""
        factors = self._kind_factor_cache.get(query_kinds)
        if factors is not None:
            return factors
        factors = np.ones(len(self.entry_ids))
        for ei, kinds in enumerate(self.entry_kinds):
            dominant = self.entry_dominant_kind[ei]
            if query_kinds and not (query_kinds & kinds):
                factors[ei] = KIND_MISMATCH_FACTOR
            elif dominant and dominant not in query_kinds:
                factors[ei] = DOMINANT_KIND_FACTOR
        self._kind_factor_cache[query_kinds] = factors
        return factors
