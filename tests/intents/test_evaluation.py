"""The measuring stick itself: case files, judging a reply, the figures, the baseline."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from intents.evaluation import (
    ALL,
    Baseline,
    Case,
    CaseError,
    check_cases,
    evaluate,
    figures,
    judge,
    parse_cases,
    shortfalls,
)
from intents.reply import ANSWER, COMPANY, NOT_ON_FILE, UNKNOWN_COMPANY, Reply
from knowledge import Entity, Entry, KnowledgeBase


def reply(answered: bool, kind: str, entries: tuple[str, ...] = (), text: str = "") -> Reply:
    return Reply(
        question="q", language="en", answered=answered, kind=kind, text=text, entries=entries
    )


def base(**phrasings: list[str]) -> KnowledgeBase:
    """A base in memory: one English entry per keyword argument, with those phrasings."""
    entries = {
        entry_id.replace("_", "-"): Entry(
            id=entry_id.replace("_", "-"),
            questions=MappingProxyType({"en": tuple(questions)}),
            answer=MappingProxyType({"en": "On file."}),
        )
        for entry_id, questions in phrasings.items()
    }
    toyota = Entity(
        id="toyota", kind="company", name=MappingProxyType({"en": "Toyota"}), aliases=("トヨタ",)
    )
    return KnowledgeBase(
        title="test",
        languages=("en",),
        sources=MappingProxyType({}),
        facts=MappingProxyType({}),
        quotes=MappingProxyType({}),
        entities=MappingProxyType({"toyota": toyota}),
        entries=MappingProxyType(entries),
    )


# ------------------------------------------------------------------ case files

GOOD = """\
# a comment
- {question: "How many?", expect: count, lang: en}
- {question: "Is Toyota there?", expect: null, expect_kind: company, company: toyota, lang: en}
- question: Is Sony there?
  expect: null
  expect_kind: unknown_company
  lang: en
- {question: "Weather?", expect: null, lang: de}
"""


def test_a_case_file_reads_into_cases_with_their_lines() -> None:
    cases = parse_cases(GOOD, "good.yaml")
    assert [c.line for c in cases] == [2, 3, 4, 8]
    assert [c.in_scope for c in cases] == [True, True, False, False]
    assert cases[1] == Case("Is Toyota there?", "en", None, COMPANY, "toyota", 3)
    assert cases[2].expect_kind == UNKNOWN_COMPANY


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('- {question: "x", lang: en}', "missing key 'expect'"),
        ('- {question: "x", expect: a, lang: en, expct: b}', "unknown key 'expct'"),
        ('- {question: "", expect: a, lang: en}', "question must be non-empty"),
        ('- {question: "x", expect: a, lang: en, expect_kind: company}', "goes with expect: null"),
        ('- {question: "x", expect: null, lang: en, expect_kind: maybe}', "expect_kind must be"),
        ('- {question: "x", expect: null, lang: en, company: toyota}', "company (an entity id)"),
        ("{question: x}", "non-empty list of cases"),
        ("- [unclosed", "not valid YAML"),
    ],
)
def test_a_broken_case_is_refused_with_file_line_and_reason(text: str, reason: str) -> None:
    with pytest.raises(CaseError) as raised:
        parse_cases("# header\n" + text, "cases.yaml")
    assert raised.value.problems[0].startswith("cases.yaml:")
    assert reason in str(raised.value)


def test_every_broken_case_is_reported_at_once() -> None:
    text = '- {question: "x", lang: en}\n- {question: "y", expect: a}\n'
    with pytest.raises(CaseError) as raised:
        parse_cases(text, "cases.yaml")
    assert [p.split(": ")[0] for p in raised.value.problems] == ["cases.yaml:1", "cases.yaml:2"]


def test_cases_naming_what_the_base_lacks_are_refused() -> None:
    kb = base(count=["How many?"])
    cases = parse_cases(
        '- {question: "a", expect: cuont, lang: en}\n'
        '- {question: "b", expect: null, expect_kind: company, company: sony, lang: en}\n'
    )
    with pytest.raises(CaseError) as raised:
        check_cases(cases, kb, "cases.yaml")
    assert raised.value.problems == (
        "cases.yaml:1: no entry 'cuont' in the base",
        "cases.yaml:2: no entity 'sony' in the base",
    )


# ------------------------------------------------------------------ judging

ENTRY_CASE = Case("How many?", "en", expect="count")
COMPANY_CASE = Case("Is Toyota in NRW?", "en", expect_kind=COMPANY, company="toyota")
UNKNOWN_CASE = Case("Is Sony in NRW?", "en", expect_kind=UNKNOWN_COMPANY)
OUT_CASE = Case("Weather?", "en")


def test_an_in_scope_case_needs_an_answer_from_the_expected_entry() -> None:
    assert judge(ENTRY_CASE, reply(True, ANSWER, ("count", "other")))
    assert not judge(ENTRY_CASE, reply(True, ANSWER, ("other", "count")))
    assert not judge(ENTRY_CASE, reply(False, NOT_ON_FILE, ("count",)))


def test_a_company_case_needs_a_company_answer_about_that_company() -> None:
    names = ("Toyota", "トヨタ")
    assert judge(COMPANY_CASE, reply(True, COMPANY, text="Toyota has invested in NRW."), names)
    assert judge(COMPANY_CASE, reply(True, COMPANY, ("toyota",), text="Yes."), names)
    assert not judge(COMPANY_CASE, reply(True, COMPANY, text="Canon has invested."), names)
    assert not judge(COMPANY_CASE, reply(True, ANSWER, ("named-companies",), "Toyota"), names)


def test_an_out_of_scope_case_passes_only_when_declined() -> None:
    assert judge(OUT_CASE, reply(False, NOT_ON_FILE))
    assert not judge(OUT_CASE, reply(True, ANSWER, ("count",)))
    assert judge(UNKNOWN_CASE, reply(False, UNKNOWN_COMPANY))
    assert not judge(UNKNOWN_CASE, reply(False, NOT_ON_FILE))


def test_figures_count_per_language_and_overall() -> None:
    kb = base(count=["How many?"])
    cases = [
        Case("How many?", "en", expect="count"),
        Case("Wie viele?", "de", expect="count"),
        Case("Weather?", "en"),
        Case("Wetter?", "de"),
    ]
    answered = reply(True, ANSWER, ("count",))
    answers = {"How many?": answered, "Wetter?": answered}
    outcomes = evaluate(cases, kb, lambda q: answers.get(q, reply(False, NOT_ON_FILE)))
    result = figures(outcomes)
    assert list(result) == ["en", "de", ALL]
    assert (result["en"].accuracy, result["en"].declined_share) == (100.0, 100.0)
    assert (result["de"].accuracy, result["de"].declined_share) == (0.0, 0.0)
    assert (result[ALL].correct, result[ALL].in_scope) == (1, 2)
    assert (result[ALL].declined, result[ALL].out_of_scope) == (1, 2)


def test_shortfalls_name_each_language_below_the_bar_and_the_overall_declined_share() -> None:
    kb = base(count=["How many?"])
    cases = [Case("How many?", "en", expect="count"), Case("Wie?", "de", expect="count")]
    cases += [Case("Weather?", "en")]
    outcomes = evaluate(cases, kb, lambda q: reply(q != "Wie?", ANSWER, ("count",)))
    result = figures(outcomes)
    assert shortfalls(result) == []
    assert shortfalls(result, min_accuracy=95, min_declined=95) == [
        "de: in-scope accuracy 0.0% < 95%",
        "out-of-scope declined 0.0% < 95%",
    ]
    assert shortfalls(result, min_accuracy=0, min_declined=0) == []


# ------------------------------------------------------------------ baseline


def test_the_baseline_answers_with_the_entry_of_the_closest_phrasing() -> None:
    kb = base(opening_hours=["When do you open?"], prices=["How much is a coffee?"])
    baseline = Baseline(kb)
    assert baseline.phrasings == 2
    entry, score = baseline.best("when do you OPEN")
    assert (entry, score) == ("opening-hours", 100.0)


def test_the_baseline_cutoff_is_the_best_single_one_for_the_cases() -> None:
    kb = base(opening_hours=["When do you open?"], prices=["How much is a coffee?"])
    cases = [
        Case("When do you open?", "en", expect="opening-hours"),
        Case("How much is a coffee?", "en", expect="prices"),
        Case("Do you repair bicycles?", "en"),
    ]
    run = Baseline(kb).run(cases)
    bicycles = Baseline(kb).best("Do you repair bicycles?")[1]
    assert bicycles < run.cutoff <= 100
    assert [o.passed for o in run.outcomes] == [True, True, True]
    fixed = Baseline(kb).run(cases, cutoff=0)
    assert [o.passed for o in fixed.outcomes] == [True, True, False]


def test_the_baseline_passes_company_cases_when_it_answers_at_all() -> None:
    kb = base(companies=["Which companies are there?"])
    cases = [COMPANY_CASE, UNKNOWN_CASE]
    answered = Baseline(kb).run(cases, cutoff=0).outcomes
    declined = Baseline(kb).run(cases, cutoff=101).outcomes
    assert [o.passed for o in answered] == [True, False]
    assert [o.passed for o in declined] == [False, True]
