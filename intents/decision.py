"""Decision: answer, "did you mean" or decline, from a confidence calibrated on the base itself.

The retrieval scores mean different things in different bases (an SVM margin on a base of
15 entries is not one on a base of 150). So the base is made to tell how far its own scores
can be trusted, every time it is loaded:

1. *Held-out phrasings* (cross-validation): the base's phrasings are split in ``FOLDS``
   folds; a model trained without a fold scores that fold's phrasings. Whether the best
   entry is the phrasing's own shows how often a score and a margin are right.
2. *Out-of-scope questions, simulated*: the same held-out phrasing, with its own entry
   left out of the ranking, is a question the rest of the base does not answer: every
   answer to it would be wrong. Plus ``data/out_of_scope.yaml``, questions of our own that
   no investor base answers, in each language.
3. A logistic regression over four features of the ranking (the best score, its lead over
   the runner-up, the best entry's nearest-phrasing cosine and edit similarity) turns them
   into the probability that the best entry is right. In-scope and out-of-scope examples
   are weighted to ``OUT_OF_SCOPE_SHARE``.

The thresholds are then probabilities, the same for every base: answer at
``ANSWER_CONFIDENCE``, offer suggestions from ``SUGGEST_CONFIDENCE``, decline below.
``python -m bot calibrate [DIR]`` prints the calibration of a base.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from intents.retrieval import Retriever, Scores

ANSWER, SUGGEST, DECLINE = "answer", "suggest", "decline"
FEATURES = ("score", "lead", "nearest", "similar")

# Folds of the cross-validation: 5 is the usual choice (each model sees 80 % of the
# phrasings, so it is about as strong as the full one).
FOLDS = 5
# Held-out phrasings scored at most: a logistic fit of 4 features is stable well before
# this (the standard error of a rate near 5 % is under 0.6 points at 1,500 samples), and a
# large base needs one fold instead of five.
CALIBRATION_SAMPLE = 1500
# The share of questions out of scope that the calibration assumes. An investor bot sees
# mostly questions on its subject; a tenth off-topic is the planning figure: three times
# CLINC150's 1 in 31 (its val split), since a public bot also draws strangers. No traffic
# of ours has been counted yet (the question log will tell; see README, Analytics).
OUT_OF_SCOPE_SHARE = 0.10
# Of the out-of-scope questions, the share taken to be near misses (on the base's subject,
# not on file) rather than off the subject: half and half, for want of traffic to count.
NEAR_MISS_SHARE = 0.5
# Answer when the best entry is at least this likely right: a wrong answer with a
# confident figure costs more than a decline, so "more likely right than wrong" is the
# floor, and 0.5 is it.
ANSWER_CONFIDENCE = 0.5
# Offer "did you mean" from here: a suggestion costs the user one tap when wrong, so one
# chance in five of being right is worth showing.
SUGGEST_CONFIDENCE = 0.2
# Suggestions shown, and how far behind the best one they may be (in confidence).
MAX_SUGGESTIONS = 3
# Fewer held-out phrasings than this are too few to learn a calibration from (a logistic
# fit of four features wants ten events per feature and class, the usual rule of thumb).
MIN_CALIBRATION = 40
SEED = 0  # the sample of held-out phrasings is drawn the same way every time


def ranking_features(scores: Scores, row: int, eligible: np.ndarray) -> tuple[int, int, np.ndarray]:
    """Best and runner-up eligible entries (-1 when none) and the features of the ranking."""
    model = np.where(eligible, scores.model[row], -np.inf)
    if not eligible.any():
        return -1, -1, np.zeros(len(FEATURES))
    best = int(np.argmax(model))
    best_score = model[best]
    model[best] = -np.inf
    second = int(np.argmax(model)) if np.isfinite(model.max()) else -1
    model[best] = best_score
    runner = float(model[second]) if second >= 0 else float(scores.model[row].min()) - 1.0
    nearest = np.where(eligible, scores.nearest[row], 0.0)
    lead = float(model[best]) - runner
    values = np.array(
        [float(model[best]), lead, float(nearest[best]), float(scores.similar[row, best])]
    )
    return best, second, values


@dataclass(frozen=True, slots=True)
class Calibration:
    """How a base's scores map to the chance of being right, and what it was measured on."""

    coefficients: tuple[float, ...]
    intercept: float
    held_out: int  # held-out phrasings scored
    reached: float  # share of them whose own entry came first
    negatives: int  # out-of-scope examples
    answered_negatives: float  # share of those that would be answered

    def confidence(self, features: np.ndarray) -> float:
        z = self.intercept + float(np.dot(self.coefficients, features))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def decide(confidence: float) -> str:
    if confidence >= ANSWER_CONFIDENCE:
        return ANSWER
    if confidence >= SUGGEST_CONFIDENCE:
        return SUGGEST
    return DECLINE


@dataclass(frozen=True, slots=True)
class HeldOut:
    """One held-out phrasing's result, for ``bot check``'s report of weak phrasings."""

    phrasing: int  # index among the base's phrasings
    entry: int  # its own entry
    best: int  # the entry that ranked first without it
    confidence: float


def calibrate(
    fit: Callable[[np.ndarray], Retriever],
    score: Callable[[Retriever, np.ndarray], Scores],
    labels: np.ndarray,
    negatives: Callable[[Retriever], Scores] | None,
    full: Retriever,
    eligible: Callable[[int, np.ndarray], np.ndarray] | None = None,
    negative_eligible: Callable[[int, np.ndarray], np.ndarray] | None = None,
) -> tuple[Calibration, list[HeldOut]]:
    """Cross-validate the base: ``fit(train_rows)`` trains, ``score(model, rows)`` scores.

    ``eligible(phrasing, model_scores)`` is the constraint stage: the entries that may
    answer that phrasing, so held-out questions are ranked exactly as live ones are.
    """
    n = len(labels)
    rng = np.random.default_rng(SEED)
    # Fold of each phrasing: its rank within its entry, shifted per entry, so every entry
    # is spread over the folds (stratified) and folds stay the same from load to load.
    rank = np.zeros(n, dtype=np.int64)
    seen: dict[int, int] = {}
    for i, label in enumerate(labels):
        rank[i] = seen.get(int(label), 0)
        seen[int(label)] = rank[i] + 1
    folds = (rank + labels) % FOLDS
    per_fold = max(1, CALIBRATION_SAMPLE // FOLDS)
    needed = max(1, min(FOLDS, math.ceil(CALIBRATION_SAMPLE / max(1, n // FOLDS))))
    rows_in: list[np.ndarray] = []
    rows_out: list[np.ndarray] = []
    held: list[HeldOut] = []
    reached = 0
    for fold in range(needed):
        test = np.flatnonzero(folds == fold)
        if len(test) == 0:
            continue
        if len(test) > per_fold * (FOLDS // needed):
            test = np.sort(rng.choice(test, per_fold * (FOLDS // needed), replace=False))
        train = np.flatnonzero(folds != fold)
        if len(np.unique(labels[train])) < 2:
            continue
        model = fit(train)
        scores = score(model, test)
        for row, phrasing in enumerate(test):
            own = int(labels[phrasing])
            everything = (
                eligible(int(phrasing), scores.model[row])
                if eligible is not None
                else np.ones(full.n_entries, dtype=bool)
            )
            best, _, features = ranking_features(scores, row, everything)
            right = best == own
            reached += right
            rows_in.append(np.append(features, 1.0 if right else 0.0))
            without = everything.copy()
            without[own] = False
            _, _, features_out = ranking_features(scores, row, without)
            rows_out.append(np.append(features_out, 0.0))
            held.append(HeldOut(int(phrasing), own, best, 0.0))
    simulated = len(rows_out)
    if negatives is not None:
        extra = negatives(full)
        for row in range(extra.model.shape[0]):
            everything = (
                negative_eligible(row, extra.model[row])
                if negative_eligible is not None
                else np.ones(full.n_entries, dtype=bool)
            )
            _, _, features = ranking_features(extra, row, everything)
            rows_out.append(np.append(features, 0.0))
    if len(rows_in) < MIN_CALIBRATION or len({r[-1] for r in rows_in + rows_out}) < 2:
        # Too small a base to learn from: trust the nearest phrasing's cosine alone, 0.5 at
        # a cosine of 0.5 (half the question's n-gram weight shared with one phrasing),
        # 0.95 at 0.75, 0.05 at 0.25.
        return Calibration((0.0, 0.0, 12.0, 0.0), -6.0, len(rows_in), 0.0, 0, 0.0), held
    data_in, data_out = np.array(rows_in), np.array(rows_out)
    data = np.vstack([data_in, data_out])
    own = len(data_out) - simulated
    # Out-of-scope questions are taken to be half near misses (the simulated ones: on the
    # subject, not on file) and half off the subject (our own), whatever their counts.
    near_share = NEAR_MISS_SHARE if own else 1.0
    weights = np.concatenate(
        [
            np.full(len(data_in), (1 - OUT_OF_SCOPE_SHARE) / len(data_in)),
            np.full(simulated, OUT_OF_SCOPE_SHARE * near_share / max(1, simulated)),
            np.full(own, OUT_OF_SCOPE_SHARE * (1 - near_share) / max(1, own)),
        ]
    ) * len(data)
    from sklearn.linear_model import LogisticRegression  # learning only (intents.retrieval)

    regression = LogisticRegression(C=1.0).fit(data[:, :-1], data[:, -1], sample_weight=weights)
    calibration = Calibration(
        tuple(float(c) for c in regression.coef_[0]),
        float(regression.intercept_[0]),
        len(data_in),
        reached / max(1, len(data_in)),
        len(data_out),
        0.0,
    )
    answered = sum(calibration.confidence(r[:-1]) >= ANSWER_CONFIDENCE for r in data_out)
    held = [
        HeldOut(h.phrasing, h.entry, h.best, calibration.confidence(r[:-1]))
        for h, r in zip(held, data_in, strict=True)
    ]
    return replace(calibration, answered_negatives=answered / max(1, len(data_out))), held
