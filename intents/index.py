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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from intents.analysis import Analyser, Analysis, term_of
from intents.entities import ENTITY_PREFIX
from intents.lexicon import (
    LEXICON_TERMS,
    LEXICON_WORDS,
    QUESTION_WORDS,
    RELATED,
    RELATED_SIMILARITY,
)
from intents.normalise import fold, has_stemmer, is_hiragana_only, is_japanese_word, words
from knowledge import KnowledgeBase
from knowledge.placeholders import strip_placeholders

_MISSING = object()

# The score of a phrasing: how much of the question it covers, how much of it the question
# covers, how much of the question the entry's phrasings cover together, and the better
# of the first two (so neither a terse nor a chatty question is punished for its length).
# Calibrated on tests/eval/dev.yaml and the fixture bases' cases.
WEIGHT_QUESTION = 0.2
WEIGHT_PHRASING = 0.2
WEIGHT_ENTRY = 0.4
WEIGHT_BEST_SIDE = 0.2
PHRASING_FLOOR = 0.75
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
# Japanese has no typo tolerance; an unknown bigram weighs little, hiragana-only ones least.
_UNKNOWN_JAPANESE = 0.7
_UNKNOWN_HIRAGANA = 0.1
_COMPOUND_MIN_LEN = 8
_OTHER_LANGUAGE_MIN = 5
# German linking elements between the parts of a compound ("Bibliothek-s-ausweis").
_LINKS = ("", "s", "es", "n", "en", "er", "e")
# Languages that write compounds as one word: a known head alone is a match there.
COMPOUNDING_LANGUAGES = frozenset({"de", "nl", "sv", "da", "no", "fi"})
# A query word known only as a compound's head ("Autorenlesungen": "Lesungen") matches
# it this closely.
_HEAD_SIMILARITY = 0.8
# Morphology by shared prefix or compound head: how close such a term counts.
_MORPH_MIN = 4
_HEAD_MIN = 5
_MORPH_CLOSE = 0.85
_MORPH_FAR = 0.7
_COMPOUND_PART_MIN = 3

# Kinds of question, told apart by their question words; "what"/"which" fit any kind.
_QUESTION_KINDS = {
    # "how much" asks for an amount or a price, not a count: it is no kind of its own.
    "count": (
        "how many",
        "wie viele",
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
# Question words and the single-word kind markers weigh this share of a word only one
# entry uses, whatever their rarity in the base.
QUESTION_WORD_WEIGHT = 0.15
_FUNCTION_WORDS = QUESTION_WORDS | _KIND_MARKERS


# Phrases that can only ask for a count ("number" may be "number one", "phone number").
_HOW_MANY = (("how", "many"), ("wie", "viele"), ("wieviele",))
_HOW_MANY_JAPANESE = (
    "何社",
    "何人",
    "何名",
    "いくつ",
    "何か所",
    "何カ所",
    "の数",
    "数は",
    "数を",
    "人数",
    "社数",
)


def asks_how_many(analysis: Analysis) -> bool:
    ws = analysis.words
    if "wieviele" in ws or any(p in _HOW_MANY[:2] for p in itertools.pairwise(ws)):
        return True
    return analysis.japanese and any(m in analysis.folded for m in _HOW_MANY_JAPANESE)


def kinds_of_words(ws: Sequence[str]) -> frozenset[str]:
    """The kinds of question Latin words ask."""
    kinds = {_KIND_OF_WORD[w] for w in _KIND_MARKERS.intersection(ws)}
    if not _PAIR_STARTS.isdisjoint(ws):
        kinds.update(_KIND_OF_PAIR[p] for p in itertools.pairwise(ws) if p in _KIND_OF_PAIR)
    return frozenset(kinds)


def question_kinds(analysis: Analysis) -> frozenset[str]:
    kinds = set(kinds_of_words(analysis.words))
    if analysis.japanese:
        japanese = "".join(analysis.words)
        kinds.update(kind for marker, kind in _KIND_JAPANESE if marker in japanese)
    return frozenset(kinds)


def _group(keys: np.ndarray, values: np.ndarray, n_keys: int) -> list[np.ndarray]:
    """``values`` grouped by ``keys`` (0 <= key < n_keys): one array per key."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n_keys) if keys.size else np.zeros(n_keys, np.int64)
    return np.split(values[order].astype(np.int32), np.cumsum(counts)[:-1])


_KIND_NAMES = tuple(_QUESTION_KINDS)
_KIND_IDS = {kind: i for i, kind in enumerate(_KIND_NAMES)}
# Tokens of many ASCII texts joined by newlines: words, and the newlines between texts.
_BATCH_TOKEN = re.compile(r"[a-z0-9]+|\n")
# Words a greeting starts with ("guten Tag"): such texts get the full analysis.
_GREETING_WORDS = frozenset({"guten", "good"})


@dataclass(frozen=True, slots=True)
class _Batch:
    """Terms of many texts: (text, term id) pairs, (text, kind id) pairs, long words
    (possible compounds) and the entities some texts name."""

    docs: np.ndarray
    vids: np.ndarray
    kind_docs: np.ndarray
    kinds: np.ndarray
    long_words: list[tuple[str, np.ndarray]]  # a word long enough to be a compound, its texts
    entities: list[tuple[int, frozenset[str]]]


def _weighted_counts(
    parts: list[np.ndarray],
    sizes: list[int],
    weights: list[float],
    scaled_at: list[int],
    scales: list[np.ndarray],
    length: int,
) -> np.ndarray:
    """Per index 0..length-1, the sum of the weights of the parts that reach it; the
    parts listed in ``scaled_at`` carry a scale per element (``scales``)."""
    if not parts:
        return np.zeros(length)
    each = np.repeat(np.asarray(weights), sizes)
    if scaled_at:
        offsets = np.cumsum([0, *sizes])
        for at, scale in zip(scaled_at, scales, strict=True):
            each[offsets[at] : offsets[at + 1]] *= scale
    return np.bincount(np.concatenate(parts), weights=each, minlength=length)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique`` hashes, which is slower here)."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _distinct_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and how often each occurs."""
    ordered = np.sort(values)
    if not ordered.size:
        return ordered, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[starts], np.diff(np.concatenate((starts, [ordered.size])))


def _unique_pairs(docs: np.ndarray, vids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(doc, vid) pairs without repeats, sorted by doc."""
    if not docs.size:
        return docs.astype(np.int64), vids.astype(np.int64)
    keys = _distinct(docs.astype(np.int64) * (1 << 32) + vids.astype(np.int64))
    return keys >> 32, keys & ((1 << 32) - 1)


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: str
    score: float  # 0..100
    phrasing: str  # the phrasing that matched best
    language: str  # that phrasing's language
    # How much of the question's weight the entry (phrasings, answer) covers, 0..1.
    question_cover: float = 1.0
    # How much of the best phrasing's weight the question covers, 0..1.
    phrasing_cover: float = 1.0
    # The question's weight the entry covers, relative to a word only one entry uses:
    # how much the question and the entry have in common, whatever else it says.
    evidence: float = 0.0


@dataclass(frozen=True, slots=True)
class _QueryTerm:
    weight: float
    hits: dict[int, float]  # vocabulary id -> similarity 0..1
    label: str = ""  # the question's term (a compound's part), for explanations


class SearchIndex:
    """Built once per base; ``search`` is then cheap.

    Building is the cost of a large base (tens of thousands of phrasings): each phrasing
    is folded and split once, and its words become terms through one dictionary per
    language (word -> term), so a word is stemmed once however often the base uses it.
    Full analyses (entity mentions and all) are made only for phrasings that may name
    an entity or are written in Japanese, and lazily for the entries a question reaches.
    """

    def __init__(self, kb: KnowledgeBase, analyser: Analyser) -> None:
        self.analyser = analyser
        self.kb = kb
        self.entry_ids: list[str] = list(kb.entries)
        self.languages = tuple(kb.languages)
        n_entries = len(self.entry_ids)
        phrasing_entry: list[int] = []
        self.phrasing_text: list[str] = []
        self.phrasing_language: list[str] = []
        by_language: dict[str, list[int]] = {}
        language_index: list[int] = []
        language_ids = {language: i for i, language in enumerate(self.languages)}
        for ei, entry in enumerate(kb.entries.values()):
            for language, questions in entry.questions.items():
                start, n = len(phrasing_entry), len(questions)
                by_language.setdefault(language, []).extend(range(start, start + n))
                phrasing_entry.extend([ei] * n)
                self.phrasing_text.extend(questions)
                self.phrasing_language.extend([language] * n)
                language_index.extend([language_ids.get(language, 0)] * n)
        self.phrasing_entry = np.asarray(phrasing_entry, dtype=np.int32)
        self._phrasing_language_index = np.asarray(language_index, dtype=np.int64)
        self.n_phrasings = n_phrasings = len(phrasing_entry)
        # Entity ids named by each entry's phrasings or answers.
        self.entry_entities: list[set[str]] = [set() for _ in range(n_entries)]
        # Per language, every word of the base's phrasings and the term it becomes
        # (None: a stop word).
        self.word_terms: dict[str, dict[str, str | None]] = {}
        vocabulary: dict[str, int] = {}
        self.vocabulary = vocabulary

        docs: list[np.ndarray] = []
        vids: list[np.ndarray] = []
        kind_docs: list[np.ndarray] = []
        kind_ids: list[np.ndarray] = []
        compounds: list[tuple[str, str, np.ndarray]] = []
        for language, positions in by_language.items():
            batch = self._batch([self.phrasing_text[i] for i in positions], language, True)
            where = np.asarray(positions, dtype=np.int64)
            docs.append(where[batch.docs])
            vids.append(batch.vids)
            kind_docs.append(where[batch.kind_docs])
            kind_ids.append(batch.kinds)
            compounds.extend((language, w, where[d]) for w, d in batch.long_words)
            for d, entities in batch.entities:
                self.entry_entities[phrasing_entry[positions[d]]].update(entities)
        analyser.known_words = frozenset(
            w for words_ in self.word_terms.values() for w in words_ if not is_japanese_word(w)
        )

        # Compounds of the base ("Bibliotheksausweis") also index their head ("Ausweis")
        # and, when the base uses it too, their first part: a question that says only
        # "Ausweis" or "Bibliothek" meets them.
        self._compound_cache: dict[tuple[str, str | None], tuple[str | None, str] | None] = {}
        self._phrasing_vocabulary = frozenset(vocabulary)
        for language, word, where_used in compounds:
            split = self._split_compound(word, language, head_only=True)
            for part in split or ():
                if part is not None:
                    docs.append(where_used)
                    vids.append(np.full(len(where_used), self._term_id(part), dtype=np.int64))
        phrasing_vocabulary_size = len(vocabulary)
        flat_phrasing, flat_ids = _unique_pairs(np.concatenate(docs), np.concatenate(vids))

        # The answers' words back a question up when its phrasings miss them.
        answer_docs, answer_vids = [], []
        answers_by_language: dict[str, list[tuple[int, str]]] = {}
        for ei, entry in enumerate(kb.entries.values()):
            for language, answer in entry.answer.items():
                text = strip_placeholders(answer)
                answers_by_language.setdefault(language, []).append((ei, text))
        for language, items in answers_by_language.items():
            batch = self._batch([text for _, text in items], language, False)
            where = np.asarray([ei for ei, _ in items], dtype=np.int64)
            answer_docs.append(where[batch.docs])
            answer_vids.append(batch.vids)
            for d, entities in batch.entities:
                self.entry_entities[items[d][0]].update(entities)
        answer_entry, answer_flat = _unique_pairs(
            np.concatenate(answer_docs or [np.zeros(0, np.int64)]),
            np.concatenate(answer_vids or [np.zeros(0, np.int64)]),
        )
        n_terms = len(vocabulary)

        flat_entry = self.phrasing_entry[flat_phrasing]
        # Document frequency over entries: a (term, entry) pair counts once.
        width = max(n_entries, 1)
        pairs = _distinct(flat_ids * width + flat_entry)
        pair_ids, pair_entries = pairs // width, pairs % width
        entry_df = np.bincount(pair_ids, minlength=n_terms)
        self.max_idf = math.log((n_entries + 1) / 1.5)
        self.unknown_weight = self.max_idf * UNKNOWN_WEIGHT
        idf = np.maximum(np.log((n_entries + 1) / (entry_df + 0.5)), 0.05)
        idf[phrasing_vocabulary_size:] = self.unknown_weight
        self._idf_list: list[float] = idf.tolist()

        weights = np.bincount(flat_phrasing, weights=idf[flat_ids], minlength=n_phrasings)
        weights = np.where(weights > 0, weights, 1.0)
        # A phrasing of one common word ("E-Books?") is not fully matched by any question
        # that uses that word: coverage counts against at least the weight of
        # PHRASING_FLOOR words that only one entry uses.
        self._phrasing_norm = np.maximum(weights, PHRASING_FLOOR * self.max_idf)
        self.postings = _group(flat_ids, flat_phrasing, n_terms)
        self.entry_postings = _group(pair_ids, pair_entries.astype(np.int32), n_terms)
        # Only entries whose phrasings lack the term: those have it at full weight.
        keep = ~np.isin(answer_flat * width + answer_entry, pairs)
        self.answer_postings = _group(
            answer_flat[keep], answer_entry[keep].astype(np.int32), n_terms
        )

        self._kind_factor_cache: dict[frozenset[str], np.ndarray] = {}
        self._build_cores(flat_ids, flat_phrasing, idf)
        self._build_kinds(np.concatenate(kind_docs), np.concatenate(kind_ids), n_entries)
        # Typos are made in words, not in stems: the words of the base's phrasings and of
        # the lexicon, each with the term it stands for.
        known_words: dict[str, str] = {}
        for words_ in self.word_terms.values():
            for word, term in words_.items():
                if term is not None and term in vocabulary:
                    known_words.setdefault(word, term)
        for (language, word), term in LEXICON_WORDS.items():
            if language in self.languages and term in vocabulary:
                known_words.setdefault(word, term)
        self._word_terms = {
            w: t
            for w, t in known_words.items()
            if len(w) >= _MIN_FUZZY_LEN - 1 and w.isalpha() and w.isascii()
        }
        self._fuzzy_words = list(self._word_terms)
        self._fuzzy_cache: dict[str, dict[int, float]] = {}
        self._related_cache: dict[str, dict[int, float]] = {}
        self.vocabulary_terms: list[str] = list(vocabulary)
        self._analyses_cache: dict[int, tuple[list[Analysis], list[Analysis]]] = {}
        self._sorted_terms = sorted(
            t for t in vocabulary if t.isascii() and t.isalpha() and not t.startswith(ENTITY_PREFIX)
        )

    def _term_id(self, term: str) -> int:
        vid = self.vocabulary.get(term)
        if vid is None:
            vid = self.vocabulary[term] = len(self.vocabulary)
        return vid

    def _batch(self, texts: list[str], language: str, phrasings: bool) -> _Batch:
        """The terms of many texts of one language at once.

        Plain ASCII texts without a possible name or greeting are folded, split and
        mapped to terms in bulk (one regular expression over all of them, one look-up
        per distinct word); the others get the full analysis, one by one.
        """
        by_word = self.word_terms.setdefault(language, {})
        fast = [i for i, t in enumerate(texts) if t.isascii() and "\n" not in t]
        if len(fast) < len(texts):
            in_fast = set(fast)
            slow = [i for i in range(len(texts)) if i not in in_fast]
        else:
            slow = []
        doc_parts: list[np.ndarray] = []
        vid_parts: list[np.ndarray] = []
        kind_doc_parts: list[np.ndarray] = []
        kind_parts: list[np.ndarray] = []
        long_words: list[tuple[int, str]] = []
        long_groups: list[tuple[str, np.ndarray]] = []  # word -> the texts that use it
        if fast:
            tokens = _BATCH_TOKEN.findall(fold("\n".join(texts[i] for i in fast), None))
            distinct = list(dict.fromkeys(tokens))
            position = {token: i for i, token in enumerate(distinct)}
            token_ids = np.fromiter(map(position.__getitem__, tokens), np.int64, len(tokens))
            newline = np.asarray([t == "\n" for t in distinct])
            doc_of = np.cumsum(newline[token_ids]) if tokens else np.zeros(0, np.int64)
            catalog_words = self.analyser.catalog.first_words
            term_vid = np.full(len(distinct), -1, dtype=np.int64)
            full = np.zeros(len(distinct), dtype=bool)
            maybe_name = np.zeros(len(distinct), dtype=bool)
            kind_of = np.full(len(distinct), -1, dtype=np.int64)
            long_token = np.zeros(len(distinct), dtype=bool)
            for i, token in enumerate(distinct):
                if token == "\n":
                    continue
                term = by_word.get(token, _MISSING)
                if term is _MISSING:
                    term = by_word[token] = self.analyser.plain_term(token, language)
                if term is not None:
                    term_vid[i] = self._term_id(term)  # type: ignore[arg-type]
                    long_token[i] = len(token) >= _COMPOUND_MIN_LEN
                full[i] = token in _GREETING_WORDS
                maybe_name[i] = token in catalog_words
                kind = _KIND_OF_WORD.get(token)
                if kind is not None:
                    kind_of[i] = _KIND_IDS[kind]
            needs_full = full[token_ids]
            catalog = self.analyser.catalog
            for p in np.flatnonzero(maybe_name[token_ids]).tolist():
                # "north" alone is a word; "North Rhine-Westphalia" is a name.
                if catalog.names_at(tokens, p):
                    needs_full[p] = True
            redo = _distinct(doc_of[needs_full])
            if redo.size:
                slow.extend(fast[d] for d in redo.tolist())
            ok = ~np.isin(doc_of, redo) if redo.size else np.ones(len(tokens), dtype=bool)
            fast_ids = np.asarray(fast, dtype=np.int64)
            words_ok = ok & (term_vid[token_ids] >= 0)
            doc_parts.append(fast_ids[doc_of[words_ok]])
            vid_parts.append(term_vid[token_ids[words_ok]])
            if phrasings:
                kinds_ok = ok & (kind_of[token_ids] >= 0)
                kind_doc_parts.append(fast_ids[doc_of[kinds_ok]])
                kind_parts.append(kind_of[token_ids[kinds_ok]])
                if len(tokens) > 1:
                    pair_kind = self._pair_kinds(distinct, token_ids)
                    pairs_ok = ok[:-1] & (pair_kind >= 0)
                    kind_doc_parts.append(fast_ids[doc_of[:-1][pairs_ok]])
                    kind_parts.append(pair_kind[pairs_ok])
                long_positions = np.flatnonzero(words_ok & long_token[token_ids])
                if long_positions.size:
                    # Which long words are compounds is known only once the whole
                    # vocabulary is: keep (text, word) pairs, one per distinct word.
                    long_ids = token_ids[long_positions]
                    order = np.argsort(long_ids, kind="stable")
                    long_ids = long_ids[order]
                    long_docs = fast_ids[doc_of[long_positions[order]]]
                    starts = np.flatnonzero(np.r_[True, long_ids[1:] != long_ids[:-1]])
                    for i, group in zip(
                        long_ids[starts].tolist(), np.split(long_docs, starts[1:]), strict=True
                    ):
                        long_groups.append((distinct[i], group))
        entities: list[tuple[int, frozenset[str]]] = []
        for d in slow:
            terms, long_, kinds, named = self._index_text(texts[d], language)
            doc_parts.append(np.full(len(terms), d, dtype=np.int64))
            vid_parts.append(np.asarray([self._term_id(t) for t in terms], dtype=np.int64))
            if phrasings:
                kind_doc_parts.append(np.full(len(kinds), d, dtype=np.int64))
                kind_parts.append(np.asarray([_KIND_IDS[k] for k in kinds], dtype=np.int64))
                long_words.extend((d, w) for w in long_)
            if named:
                entities.append((d, named))
        empty = np.zeros(0, dtype=np.int64)
        for d, word in long_words:
            long_groups.append((word, np.asarray([d], dtype=np.int64)))
        return _Batch(
            np.concatenate(doc_parts) if doc_parts else empty,
            np.concatenate(vid_parts) if vid_parts else empty,
            np.concatenate(kind_doc_parts) if kind_doc_parts else empty,
            np.concatenate(kind_parts) if kind_parts else empty,
            long_groups,
            entities,
        )

    @staticmethod
    def _pair_kinds(distinct: list[str], token_ids: np.ndarray) -> np.ndarray:
        """Per position, the kind of question the token and the next one ask, or -1."""
        first_ids = {i for i, t in enumerate(distinct) if t in _PAIR_STARTS}
        result = np.full(len(token_ids) - 1, -1, dtype=np.int64)
        if not first_ids:
            return result
        starts = np.flatnonzero(np.isin(token_ids[:-1], list(first_ids)))
        for p in starts.tolist():
            kind = _KIND_OF_PAIR.get((distinct[token_ids[p]], distinct[token_ids[p + 1]]))
            if kind is not None:
                result[p] = _KIND_IDS[kind]
        return result

    def _index_text(
        self, text: str, language: str
    ) -> tuple[list[str], list[str], frozenset[str], frozenset[str]]:
        """(terms, words long enough to be compounds, question kinds, entity ids) of a
        text of the base, the same terms ``Analyser.analyse`` gives."""
        folded = fold(text, None)
        text_words = words(folded)
        by_word = self.word_terms.setdefault(language, {})
        if (
            not folded.isascii()
            or "gut" in folded
            or "good" in folded
            or not self.analyser.catalog.first_words.isdisjoint(text_words)
        ):
            # Japanese script, a greeting or a possible name: the full analysis.
            analysis = self.analyser.analyse(text, limit=None, fuzzy=False, language=language)
            for word in analysis.words:
                if word not in by_word and not is_japanese_word(word):
                    by_word[word] = self.analyser.plain_term(word, language)
            long_words = [w for w in analysis.term_words if len(w) >= _COMPOUND_MIN_LEN]
            return (
                list(analysis.terms),
                long_words,
                question_kinds(analysis),
                analysis.entity_ids,
            )
        terms: dict[str, None] = {}
        long_words = []
        for word in text_words:
            term = by_word.get(word, _MISSING)
            if term is _MISSING:
                term = by_word[word] = self.analyser.plain_term(word, language)
            if term is not None and term not in terms:
                terms[term] = None  # type: ignore[index]
                if len(word) >= _COMPOUND_MIN_LEN:
                    long_words.append(word)
        return list(terms), long_words, kinds_of_words(text_words), frozenset()

    def _build_cores(
        self, flat_ids: np.ndarray, flat_phrasing: np.ndarray, idf: np.ndarray
    ) -> None:
        """Per entry and language: the distinctive terms (nearly) all its phrasings share."""
        n_entries = len(self.entry_ids)
        self.entry_core: list[dict[str, frozenset[int]]] = [{} for _ in range(n_entries)]
        if not flat_ids.size:
            return
        phrasing_language = self._phrasing_language_index
        n_languages = max(len(self.languages), 1)
        group = self.phrasing_entry.astype(np.int64) * n_languages + phrasing_language
        group_size = np.bincount(group, minlength=n_entries * n_languages)
        distinctive = idf[flat_ids] >= CORE_MIN_IDF_SHARE * self.max_idf
        ids, phrasings = flat_ids[distinctive], flat_phrasing[distinctive]
        # A term counts once per phrasing (compound parts may repeat a term).
        n_terms = len(idf)
        unique = _distinct(phrasings.astype(np.int64) * n_terms + ids)
        ids, phrasings = unique % n_terms, unique // n_terms
        keys, counts = _distinct_counts(group[phrasings] * n_terms + ids)
        groups, terms = keys // n_terms, keys % n_terms
        core = (counts >= CORE_SHARE * group_size[groups]) & (group_size[groups] >= 2)
        languages = self.languages or ("",)
        for g, vid in zip(groups[core].tolist(), terms[core].tolist(), strict=True):
            ei, li = divmod(g, n_languages)
            language = languages[li]
            current = self.entry_core[ei].get(language, frozenset())
            self.entry_core[ei][language] = current | {vid}

    def _build_kinds(self, docs: np.ndarray, kinds: np.ndarray, n_entries: int) -> None:
        """The kinds of question an entry's phrasings ask, and the one (nearly) all of them
        ask: "how many" entries do not answer "what subsidies ..."."""
        n_kinds = len(_KIND_NAMES)
        self.entry_kinds: list[frozenset[str]] = [frozenset()] * n_entries
        self.entry_dominant_kind: list[str | None] = [None] * n_entries
        if not docs.size:
            return
        per_phrasing = _distinct(docs * n_kinds + kinds)
        entry_kind = self.phrasing_entry[per_phrasing // n_kinds].astype(np.int64) * n_kinds + (
            per_phrasing % n_kinds
        )
        keys, counts = _distinct_counts(entry_kind)
        phrasing_counts = np.bincount(self.phrasing_entry, minlength=n_entries)
        found: dict[int, list[tuple[int, int]]] = {}
        for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
            ei, kind = divmod(key, n_kinds)
            found.setdefault(ei, []).append((count, kind))
        for ei, kinds_ in found.items():
            self.entry_kinds[ei] = frozenset(_KIND_NAMES[k] for _, k in kinds_)
            count, kind = max(kinds_)
            if count >= _DOMINANT_SHARE * phrasing_counts[ei]:
                self.entry_dominant_kind[ei] = _KIND_NAMES[kind]

    def analyses(self, ei: int) -> tuple[list[Analysis], list[Analysis]]:
        """Full analyses of an entry's phrasings and of its answers (made on first use)."""
        found = self._analyses_cache.get(ei)
        if found is None:
            entry = self.kb.entries[self.entry_ids[ei]]
            analyse = self.analyser.analyse
            phrasings = [
                analyse(q, fuzzy=False, language=language)
                for language, questions in entry.questions.items()
                for q in questions
            ]
            answers = [
                analyse(strip_placeholders(answer), limit=None, fuzzy=False, language=language)
                for language, answer in entry.answer.items()
            ]
            found = self._analyses_cache[ei] = (phrasings, answers)
        return found

    # -- vocabulary look-ups -------------------------------------------------------

    def _split_compound(
        self, word: str, language: str | None, *, head_only: bool
    ) -> tuple[str | None, str] | None:
        """(first part's term or None, head's term) of a compound word, or None.

        The head is the longest ending of at least ``_HEAD_MIN`` letters whose term the
        base's phrasings or the general lexicon know; the first part (with a German
        linking "s"/"es"/"n"/"en"/"er"/"e" dropped) counts when the base knows it.
        ``head_only`` accepts a split whose first part the base does not know, for
        languages that write compounds as one word.
        """
        key = (word, language)
        if key in self._compound_cache:
            return self._compound_cache[key]
        best: tuple[str | None, str] | None = None
        if word.isascii() and word.isalpha():
            known = self._phrasing_vocabulary
            whole = term_of(word, language)
            for cut in range(_COMPOUND_PART_MIN, len(word) - _HEAD_MIN + 1):
                head = term_of(word[cut:], language)
                if head == whole or not (head in known or head in LEXICON_TERMS):
                    continue
                left = word[:cut]
                first = None
                for link in _LINKS:
                    if left.endswith(link) and len(left) - len(link) >= _COMPOUND_PART_MIN:
                        candidate = term_of(left[: len(left) - len(link)], language)
                        if candidate in known:
                            first = candidate
                            break
                if first is not None or (head_only and language in COMPOUNDING_LANGUAGES):
                    best = (first, head)
                    break
        if len(self._compound_cache) < 100_000:
            self._compound_cache[key] = best
        return best

    def _fuzzy(self, word: str) -> dict[int, float]:
        """Base terms whose words are one edit from ``word`` (two for long words)."""
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        edits = 2 if len(word) >= _FUZZY_LONG else 1
        found = process.extract(
            word, self._fuzzy_words, scorer=OSA.distance, score_cutoff=edits, limit=3
        )
        hits: dict[int, float] = {}
        for known, distance, _ in found:
            vid = self.vocabulary[self._word_terms[known]]
            hits[vid] = max(hits.get(vid, 0.0), 1.0 - 0.1 * distance)
        if len(self._fuzzy_cache) < 100_000:
            self._fuzzy_cache[word] = hits
        return hits

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

    def _resolve(self, query: Analysis) -> list[_QueryTerm]:
        resolved: list[_QueryTerm] = []
        vocabulary = self.vocabulary
        idf = self._idf_list
        sources = query.term_words or ("",) * len(query.terms)
        for term, word in zip(query.terms, sources, strict=False):
            vid = vocabulary.get(term)
            if term.startswith(ENTITY_PREFIX):
                if vid is None:
                    resolved.append(_QueryTerm(self.unknown_weight, {}, term))
                else:
                    resolved.append(_QueryTerm(idf[vid], {vid: 1.0}, term))
                continue
            if not term.isascii():
                if vid is not None:
                    resolved.append(_QueryTerm(idf[vid], {vid: 1.0}, term))
                else:
                    share = _UNKNOWN_HIRAGANA if is_hiragana_only(term) else _UNKNOWN_JAPANESE
                    resolved.append(_QueryTerm(self.unknown_weight * share, {}, term))
                continue
            if term.isdigit():
                if vid is not None:
                    resolved.append(_QueryTerm(idf[vid], {vid: 1.0}, term))
                else:
                    resolved.append(_QueryTerm(self.unknown_weight * 0.5, {}, term))
                continue
            if word in _FUNCTION_WORDS:
                # "how many", "wann", "number": the kind of question, which the kind
                # factors weigh; as terms they would count by rarity ("wann" is rare).
                hit = {vid: 1.0} if vid is not None else {}
                resolved.append(_QueryTerm(self.max_idf * QUESTION_WORD_WEIGHT, hit, term))
                continue
            if vid is None and len(word) >= _OTHER_LANGUAGE_MIN:
                # The word stemmed in another language of the base: a question whose
                # language was misread still meets the phrasings (short words would
                # meet false friends: English "off", German "offen").
                for language in self.languages:
                    other = vocabulary.get(term_of(word, language))
                    if other is not None:
                        vid, term = other, self.vocabulary_terms[other]
                        break
            hits: dict[int, float] = {}
            if term.isalpha() and not has_stemmer(query.language):
                hits.update(self._related(term))
            for near in RELATED.get(term, ()):
                nid = vocabulary.get(near)
                if nid is not None:
                    hits[nid] = max(hits.get(nid, 0.0), RELATED_SIMILARITY)
            if vid is not None:
                hits[vid] = 1.0
                resolved.append(_QueryTerm(idf[vid], hits, term))
                continue
            if word and len(word) >= _COMPOUND_MIN_LEN:
                split = self._split_compound(word, query.language, head_only=True)
                if split is not None:
                    first, head = split
                    hid = vocabulary.get(head)
                    if first is not None and hid is not None:
                        pid = vocabulary[first]
                        resolved.append(_QueryTerm(idf[pid], {pid: 1.0}, first))
                        resolved.append(_QueryTerm(idf[hid], {hid: 1.0}, head))
                        continue
                    if hid is not None:
                        hits[hid] = max(hits.get(hid, 0.0), _HEAD_SIMILARITY)
            typed = word or term
            if len(typed) >= _MIN_FUZZY_LEN and typed.isalpha():
                for fid, sim in self._fuzzy(typed).items():
                    hits[fid] = max(hits.get(fid, 0.0), sim)
            if hits:
                resolved.append(_QueryTerm(max(idf[v] for v in hits), hits, term))
            else:
                resolved.append(_QueryTerm(self.unknown_weight, {}, term))
        # One unknown word in a short question is what it asks about ("buses" where the
        # base has ferries); many are chatty context, so they share their weight.
        unknown = [i for i, q in enumerate(resolved) if not q.hits]
        if len(unknown) > 1:
            share = len(unknown) ** -UNKNOWN_SHARING
            for i in unknown:
                resolved[i] = _QueryTerm(resolved[i].weight * share, {}, resolved[i].label)
        return resolved

    # -- search --------------------------------------------------------------------

    def search(self, query: Analysis, limit: int = 8) -> list[Candidate]:
        """Entries best first, each with its best phrasing; scores 0..100.

        Every phrasing is scored at once with array arithmetic over the postings of the
        question's terms, so the cost grows with the postings touched, not with Python
        loops over candidates.
        """
        resolved = self._resolve(query)
        total_weight = sum(q.weight for q in resolved)
        if not resolved or total_weight <= 0:
            return []
        n_entries = len(self.entry_ids)
        # Every term's postings and weights are gathered first and summed by one
        # bincount per side: a handful of array operations however long the question.
        q_parts: list[np.ndarray] = []  # phrasings each term reaches ...
        q_sizes: list[int] = []
        q_weights: list[float] = []  # ... and the weight it brings them
        e_parts: list[np.ndarray] = []
        e_sizes: list[int] = []
        e_weights: list[float] = []
        best_sim: dict[int, float] = {}
        # Terms with several variants scale their postings by each phrasing's own best
        # similarity: (part index, similarities) pairs.
        multi_at_q: list[int] = []
        multi_q: list[np.ndarray] = []
        multi_at_e: list[int] = []
        multi_e: list[np.ndarray] = []
        for q in resolved:
            if not q.hits:
                continue
            if len(q.hits) == 1:
                ((vid, sim),) = q.hits.items()
                for parts, sizes, weights, found, share in (
                    (q_parts, q_sizes, q_weights, self.postings[vid], 1.0),
                    (e_parts, e_sizes, e_weights, self.entry_postings[vid], 1.0),
                    (e_parts, e_sizes, e_weights, self.answer_postings[vid], ANSWER_SHARE),
                ):
                    if found.size:
                        parts.append(found)
                        sizes.append(found.size)
                        weights.append(q.weight * sim * share)
            else:
                # The best of a term's variants counts, per phrasing and per entry.
                # One ``maximum.at`` per side over every variant's postings at once.
                term_q = np.zeros(self.n_phrasings)
                term_e = np.zeros(n_entries)
                variants = list(q.hits.items())
                found_q = [self.postings[vid] for vid, _ in variants]
                found_e = [self.answer_postings[vid] for vid, _ in variants]
                found_e += [self.entry_postings[vid] for vid, _ in variants]
                sims_e = [sim * ANSWER_SHARE for _, sim in variants] + [s for _, s in variants]
                np.maximum.at(
                    term_q,
                    np.concatenate(found_q),
                    np.repeat([sim for _, sim in variants], [f.size for f in found_q]),
                )
                np.maximum.at(
                    term_e, np.concatenate(found_e), np.repeat(sims_e, [f.size for f in found_e])
                )
                reached_q = np.flatnonzero(term_q)
                reached_e = np.flatnonzero(term_e)
                q_parts.append(reached_q)
                q_sizes.append(reached_q.size)
                q_weights.append(q.weight)
                e_parts.append(reached_e)
                e_sizes.append(reached_e.size)
                e_weights.append(q.weight)
                multi_q.append(term_q[reached_q])
                multi_e.append(term_e[reached_e])
                multi_at_q.append(len(q_parts) - 1)
                multi_at_e.append(len(e_parts) - 1)
            for vid, sim in q.hits.items():
                if sim > best_sim.get(vid, 0.0):
                    best_sim[vid] = sim
        matched_q = _weighted_counts(
            q_parts, q_sizes, q_weights, multi_at_q, multi_q, self.n_phrasings
        )
        matched_e = _weighted_counts(e_parts, e_sizes, e_weights, multi_at_e, multi_e, n_entries)
        touched = np.flatnonzero(matched_q)
        if touched.size == 0:
            return []
        p_vids = list(best_sim)
        p_found = [self.postings[vid] for vid in p_vids]
        matched_p = _weighted_counts(
            p_found,
            [f.size for f in p_found],
            [self._idf_list[vid] * best_sim[vid] for vid in p_vids],
            [],
            [],
            self.n_phrasings,
        )

        entries = self.phrasing_entry[touched]
        q_cover = matched_q[touched] / total_weight
        p_cover = matched_p[touched] / self._phrasing_norm[touched]
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

        # The best phrasing of each entry, then the best entries.
        if touched.size > _RESCORE:
            top = np.argpartition(score, touched.size - _RESCORE)[touched.size - _RESCORE :]
            order = top[np.argsort(-score[top], kind="stable")]
        else:
            order = np.argsort(-score, kind="stable")
        # Each entry's first phrasing in that order (what ``np.unique(..., return_index=True)``
        # gives, without its overhead on small arrays).
        ranked = entries[order]
        grouping = np.argsort(ranked, kind="stable")
        grouped = ranked[grouping]
        first = np.empty(grouped.size, dtype=bool)
        first[0] = True
        np.not_equal(grouped[1:], grouped[:-1], out=first[1:])
        heads = order[grouping[first]]
        heads = heads[np.argsort(-score[heads], kind="stable")][: 2 * limit + 2]
        # Python numbers from here on: a few heads, and numpy scalars are slow to touch.
        head_entries = entries[heads]
        best: list[tuple[float, int, int, float, float]] = []
        slack = (1.0 - CORE_SLACK) * total_weight
        for ei, pi, value, covered, phrasing_cover in zip(
            head_entries.tolist(),
            touched[heads].tolist(),
            score[heads].tolist(),
            matched_e[head_entries].tolist(),
            p_cover[heads].tolist(),
            strict=True,
        ):
            core = self.entry_core[ei].get(self.phrasing_language[pi])
            # A substitution: the question lacks what (nearly) every phrasing of the
            # entry says, and says something else instead ("buses" for "ferries").
            if core and covered < slack and not core.issubset(best_sim):
                value *= CORE_MISSING_FACTOR
            best.append((value, ei, pi, covered, phrasing_cover))
        best.sort(key=lambda item: -item[0])
        # The question's weight each entry covers (phrasings, answers) is ``matched_e``.
        return [
            Candidate(
                self.entry_ids[ei],
                round(100.0 * value, 2),
                self.phrasing_text[pi],
                self.phrasing_language[pi],
                covered / total_weight,
                phrasing_cover,
                covered / self.max_idf,
            )
            for value, ei, pi, covered, phrasing_cover in best[:limit]
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
