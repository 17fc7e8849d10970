"""Similar unanswered questions as one group, so curators read each question once.

Texts are compared as the question log normalised them (``normalize_question``: case,
width, punctuation and spacing folded away).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from rapidfuzz import fuzz, process

# Two normalised questions at least this similar are one group for curators.
GROUP_SIMILARITY = 85.0
# Distinct texts considered when grouping, most frequent first: bounds the clustering work
# (every pair is scored: 1,000 texts are two 1,000 x 1,000 score matrices, under a second).
# Rarer wordings are left out of /unanswered and the CSV: someone planting 20 questions a
# minute cannot make the command slow, only push the rarest wordings out.
MAX_GROUPED_TEXTS = 1000
# Texts are compared on their first this many characters: enough to tell questions apart,
# and it keeps each comparison cheap whatever was pasted (stored texts keep 1,000).
COMPARED_CHARS = 200

# A stored unanswered question: question, normalized, language, best entry, score, asked at.
UnansweredRow = tuple[str, str, str, str | None, float, str]
_Member = tuple[str, str, str | None, float, str]  # the row without its normalized text


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Similar unanswered questions, shown to curators as one line."""

    example: str  # the most frequent wording
    count: int
    languages: tuple[str, ...]  # most frequent first
    best_entry: str | None  # the most frequent best candidate
    best_score: float  # the highest score any of them reached
    last_asked: datetime
    variants: tuple[str, ...] = field(default=())  # other wordings, most frequent first


def group_questions(rows: Sequence[UnansweredRow]) -> list[QuestionGroup]:
    """``rows`` grouped by similarity, most frequent group first.

    Deterministic: texts are visited most frequent first (ties by text), and each joins
    the earlier group whose leading text is most similar, if similar enough, else starts
    its own. Only the ``MAX_GROUPED_TEXTS`` most frequent distinct texts are grouped,
    each compared on its first ``COMPARED_CHARS`` characters.
    """
    by_text: dict[str, list[_Member]] = {}
    for question, normalized, language, best_entry, score, asked_at in rows:
        by_text.setdefault(normalized, []).append((question, language, best_entry, score, asked_at))
    texts = sorted(by_text, key=lambda t: (-len(by_text[t]), t))[:MAX_GROUPED_TEXTS]
    members = cluster(texts)
    groups = [_group([r for t in texts_ for r in by_text[t]]) for texts_ in members]
    groups.sort(key=lambda g: (-g.count, g.example))
    return groups


def cluster(texts: list[str]) -> list[list[str]]:
    """``texts`` (most frequent first) in groups: each joins the earlier leader it is most
    similar to, when that similarity reaches ``GROUP_SIMILARITY``, else leads a group.

    Similarity is the higher of ``ratio`` (typos, and text without spaces: Japanese) and
    ``token_sort_ratio`` (word order), never the set/partial scorers: they call a single
    shared word a perfect match. All pairs are scored at once in C (``process.cdist``); the
    token sort is done once per text (``ratio`` of sorted words is ``token_sort_ratio``).
    """
    if not texts:
        return []
    cut = [text[:COMPARED_CHARS] for text in texts]
    words_sorted = [" ".join(sorted(text.split())) for text in cut]
    scores = np.maximum(
        *(
            process.cdist(
                side,
                side,
                scorer=fuzz.ratio,
                score_cutoff=GROUP_SIMILARITY,
                dtype=np.float32,
                workers=-1,
            )
            for side in (cut, words_sorted)
        )
    )
    leaders: list[int] = []
    members: list[list[str]] = []
    for index, text in enumerate(texts):
        if leaders:
            row = scores[index, leaders]
            best = int(row.argmax())  # the first of equally similar leaders
            if row[best] >= GROUP_SIMILARITY:
                members[best].append(text)
                continue
        leaders.append(index)
        members.append([text])
    return members


def _group(rows: list[_Member]) -> QuestionGroup:
    wordings = Counter(question for question, *_ in rows)
    ranked = sorted(wordings.items(), key=lambda item: (-item[1], item[0]))
    languages = Counter(language for _, language, *_ in rows)
    candidates = Counter(entry for _, _, entry, _, _ in rows if entry)
    return QuestionGroup(
        example=ranked[0][0],
        count=len(rows),
        languages=tuple(lang for lang, _ in sorted(languages.items(), key=lambda i: (-i[1], i[0]))),
        best_entry=(
            sorted(candidates.items(), key=lambda i: (-i[1], i[0]))[0][0] if candidates else None
        ),
        best_score=max(score for *_, score, _ in rows),
        last_asked=datetime.fromisoformat(max(asked_at for *_, asked_at in rows)),
        variants=tuple(text for text, _ in ranked[1:]),
    )
