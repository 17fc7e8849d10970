"""``python -m bot calibrate [DIR]``: how the base's own phrasings calibrate the decision.

Reproduces what happens at every load (``intents.decision``): each phrasing is held out
and ranked by a model trained without it; the logistic fit of the ranking's features gives
the confidence. Printed: the fit, then a reliability table (held-out phrasings by
confidence band: how many, how many of them reached their own entry), and what the fixed
thresholds do on this base.
"""

from __future__ import annotations

import argparse
import sys
from itertools import pairwise

from bot.cli.base_problems import load_or_report
from intents.decision import ANSWER_CONFIDENCE, FEATURES, OUT_OF_SCOPE_SHARE, SUGGEST_CONFIDENCE
from intents.matcher import matcher_for
from knowledge.paths import default_knowledge_dir

BANDS = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 1.01)


def main(args: argparse.Namespace) -> int:
    directory = str(getattr(args, "directory", None) or default_knowledge_dir())
    kb = load_or_report(directory, sys.stderr)
    if kb is None:
        return 1
    matcher = matcher_for(kb)
    calibration = matcher.calibration
    out = sys.stdout
    print(f"{directory}: {len(kb.entries)} entries", file=out)
    print(
        f"held out: {calibration.held_out} phrasings, {calibration.reached:.1%} reach their own"
        f" entry; {calibration.negatives} out-of-scope examples (simulated and our own),"
        f" weighted to {OUT_OF_SCOPE_SHARE:.0%} of questions",
        file=out,
    )
    terms = " ".join(
        f"{c:+.3f}*{name}" for c, name in zip(calibration.coefficients, FEATURES, strict=True)
    )
    print(f"confidence = sigmoid({calibration.intercept:+.3f} {terms})", file=out)
    print("reliability of the held-out phrasings:", file=out)
    print("  confidence    phrasings  own entry first", file=out)
    for low, high in pairwise(BANDS):
        band = [h for h in matcher.held_out if low <= h.confidence < high]
        if not band:
            continue
        right = sum(h.best == h.entry for h in band)
        print(
            f"  {low:.2f}-{min(high, 1):.2f}   {len(band):9d}  {right / len(band):15.1%}", file=out
        )
    answered = [h for h in matcher.held_out if h.confidence >= ANSWER_CONFIDENCE]
    suggested = [
        h for h in matcher.held_out if SUGGEST_CONFIDENCE <= h.confidence < ANSWER_CONFIDENCE
    ]
    wrong = sum(h.best != h.entry for h in answered)
    print(
        f"at the thresholds (answer from {ANSWER_CONFIDENCE}, suggest from {SUGGEST_CONFIDENCE}):"
        f" {len(answered)} held-out phrasings answered ({wrong} of them wrongly),"
        f" {len(suggested)} suggested,"
        f" {calibration.held_out - len(answered) - len(suggested)} declined;"
        f" {calibration.answered_negatives:.1%} of the out-of-scope examples answered",
        file=out,
    )
    return 0
