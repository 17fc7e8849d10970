"""The CI gate: the matcher measured on the development set and on bases it was not tuned on.

Every gate is a regression guard a few points under what the matcher measures today
(noted next to each; the issue's own targets are higher, see GATES). The fixture bases
(a coworking space FAQ in English, a town library FAQ in German) are written in other
words than their cases, which needs understanding beyond shared words. A
failing gate prints every failure, as ``python -m bot eval`` does.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from intents.evaluation import (
    ALL,
    Case,
    Figures,
    Outcome,
    check_cases,
    evaluate,
    failures,
    figures,
    load_cases,
    shortfalls,
)
from intents.reply import COMPANY, UNKNOWN_COMPANY
from intents.responder import Responder
from knowledge import KnowledgeBase
from knowledge.loader import load_knowledge
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR

TESTS = Path(__file__).resolve().parent.parent
DEV = TESTS / "eval" / "dev.yaml"
HELDOUT = TESTS / "eval" / "heldout.yaml"
TRIALS = TESTS / "eval" / "trials.yaml"  # no gate: failures kept reproducible (its header)
FIXTURES = TESTS / "fixtures"

# (base directory, case file, minimum in-scope accuracy per language, minimum declined share)
GATES = {
    # Issue 10's target, 97 % / 97 %; the learned matcher measures 99.2 / 99.2 / 97.5 %
    # in scope (en / de / ja) and 100 / 100 / 100 % declined on the 505 cases, 107 of
    # them written for issue 10 before it was built.
    "shipped base, dev set": (SHIPPED_KNOWLEDGE_DIR, DEV, 97.0, 97.0),
    # heldout: 100 / 96.3 / 96.7 % in scope (one miss in de and in ja, of 27 and 30),
    # 100 / 100 / 100 % declined (7 a language); the gate is one more miss a language
    "shipped base, held-out set": (SHIPPED_KNOWLEDGE_DIR, HELDOUT, 92.5, 97.0),
    # measured: 51.7 % in scope (most of the rest are "did you mean" with the right entry
    # first; five phrasings an entry calibrate cautiously), 84.0 % declined
    "other base (coworking FAQ, en)": (
        FIXTURES / "other_base",
        FIXTURES / "other_base_cases.yaml",
        48.0,
        80.0,
    ),
    # measured: 54.5 % in scope, 87.5 % declined (7 of 8)
    "mini base (library FAQ, de)": (
        FIXTURES / "mini_de_base",
        FIXTURES / "mini_de_cases.yaml",
        54.0,
        85.0,
    ),
}


@cache
def knowledge(directory: Path) -> KnowledgeBase:
    return load_knowledge(directory)


@cache
def cases(path: Path) -> tuple[Case, ...]:
    return load_cases(path)


def report(result: dict[str, Figures], outcomes: tuple[Outcome, ...]) -> str:
    lines = [
        f"{lang}: in scope {fig.correct}/{fig.in_scope}, declined {fig.declined}/{fig.out_of_scope}"
        for lang, fig in result.items()
    ]
    for outcome in failures(outcomes):
        lines.append(
            f"[{outcome.case.lang}] {outcome.case.question!r}: expected "
            f"{outcome.case.describe_expectation()}, got {outcome.describe()}"
        )
    return "\n".join(lines)


# Issue 10: at most one answer that states the wrong thing in each set (measured: 0 and 0).
MAX_WRONG = {"shipped base, dev set": 1, "shipped base, held-out set": 1}


@pytest.mark.parametrize("gate", sorted(GATES))
def test_matching_meets_the_bar(gate: str) -> None:
    directory, case_file, min_accuracy, min_declined = GATES[gate]
    kb = knowledge(directory)
    responder = Responder(kb)
    outcomes = evaluate(
        cases(case_file), kb, lambda q: responder.reply(q, context=None, language_hint=None)
    )
    result = figures(outcomes)
    assert shortfalls(result, min_accuracy, min_declined) == [], report(result, outcomes)
    if gate in MAX_WRONG:
        assert result[ALL].wrong <= MAX_WRONG[gate], report(result, outcomes)


# ------------------------------------------------------------------ the sets themselves


@pytest.mark.parametrize("case_file", [DEV, HELDOUT, TRIALS])
def test_every_case_names_an_entry_and_company_the_shipped_base_has(case_file: Path) -> None:
    check_cases(cases(case_file), knowledge(SHIPPED_KNOWLEDGE_DIR), str(case_file))


@pytest.mark.parametrize(
    ("directory", "case_file"),
    [(d, c) for d, c, _, _ in GATES.values() if c != DEV],
)
def test_every_fixture_case_names_an_entry_its_base_has(directory: Path, case_file: Path) -> None:
    check_cases(cases(case_file), knowledge(directory), str(case_file))


def test_the_dev_set_asks_for_every_entry_of_the_shipped_base_in_every_language() -> None:
    kb = knowledge(SHIPPED_KNOWLEDGE_DIR)
    asked = {(case.expect, case.lang) for case in cases(DEV) if case.expect}
    facts = [e.id for e in kb.entries.values() if not e.small_talk]  # small talk: conversation.yaml
    missing = [(e, lang) for e in facts for lang in kb.languages if (e, lang) not in asked]
    assert missing == []


def test_the_dev_set_is_big_enough_in_every_language() -> None:
    result = figures(
        Outcome(case, passed=False, answered=False, entry=None, kind="", score=0.0)
        for case in cases(DEV)
    )
    assert result[ALL].in_scope + result[ALL].out_of_scope >= 240
    assert result[ALL].out_of_scope >= 60
    assert all(result[lang].in_scope >= 60 for lang in ("en", "de", "ja"))


@pytest.mark.parametrize("kind", [COMPANY, UNKNOWN_COMPANY])
def test_the_dev_set_asks_about_companies_in_every_language(kind: str) -> None:
    assert {case.lang for case in cases(DEV) if case.expect_kind == kind} == {"en", "de", "ja"}
