"""``python -m bot eval [--kb DIR] [--quiet] [--min-accuracy PCT] [--min-declined PCT] CASES.yaml``

Measures matching on a case file and prints, per language, the in-scope accuracy and the
share of out-of-scope questions declined, for our matcher and, in the same run, for the
naive baseline (rapidfuzz ``extractOne`` over all phrasings; see ``intents.evaluation``);
then every failure of the matcher with the question, what was expected and what came back.

Case file schema (documented in full at the top of tests/eval/dev.yaml), a YAML list of:

    question:    the question as typed                         (required)
    lang:        the language it is written in: en, de, ja ... (required)
    expect:      the entry id that must answer it, or null     (required)
    expect_kind: company | unknown_company                     (optional, with expect: null)
    company:     entity id a company reply must be about       (optional, with expect_kind: company)

A case with an entry id or ``expect_kind: company`` is in scope and must be answered right;
every other case is out of scope and must be declined (``answered`` false), an
``unknown_company`` case with that reply kind.

Exit status: 0 when measured; 1 when ``--min-accuracy`` (any language's in-scope accuracy)
or ``--min-declined`` (the declined share over all languages) is not met; 2 when the base
or the case file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TextIO

from bot.cli.base_problems import load_or_report
from intents.conversation_eval import (
    conversation_figures,
    evaluate_conversation,
    is_conversation_file,
    load_conversation,
)
from intents.evaluation import (
    ALL,
    Baseline,
    BaselineRun,
    CaseError,
    Figures,
    Outcome,
    check_cases,
    evaluate,
    failures,
    figures,
    load_cases,
    shortfalls,
)
from intents.responder import Responder
from knowledge import KnowledgeBase
from knowledge.paths import default_knowledge_dir


def main(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    kb_dir = str(args.kb or default_knowledge_dir())
    kb = load_or_report(kb_dir, err)
    if kb is None:
        return 2
    if is_conversation_file(args.cases):
        return _conversation(args, kb, out)
    try:
        cases = load_cases(args.cases)
        check_cases(cases, kb, args.cases)
    except CaseError as exc:
        print(f"The case file {args.cases} cannot be evaluated:", file=err)
        for problem in exc.problems:
            print(f"  {problem}", file=err)
        return 2

    responder = Responder(kb)
    ours = evaluate(cases, kb, lambda q: responder.reply(q, context=None, language_hint=None))
    baseline = Baseline(kb).run(cases)
    ours_figures, baseline_figures = figures(ours), figures(baseline.outcomes)

    _print_header(out, args.cases, kb_dir, kb, ours)
    _print_table(out, ours_figures, baseline_figures)
    _print_notes(out, ours, baseline)
    if not args.quiet:
        _print_failures(out, ours)

    min_accuracy = getattr(args, "min_accuracy", None)
    min_declined = getattr(args, "min_declined", None)
    reasons = shortfalls(ours_figures, min_accuracy, min_declined)
    for reason in reasons:
        print(f"BELOW THE BAR: {reason}", file=out)
    return 1 if reasons else 0


def _print_header(
    out: TextIO, cases_file: str, kb_dir: str, kb: KnowledgeBase, outcomes: tuple[Outcome, ...]
) -> None:
    in_scope = sum(o.case.in_scope for o in outcomes)
    print(
        f"Cases: {cases_file}: {len(outcomes)} ({in_scope} in scope, "
        f"{len(outcomes) - in_scope} out of scope)",
        file=out,
    )
    print(
        f"Base:  {kb_dir}: {len(kb.entries)} entries, languages {', '.join(kb.languages)}",
        file=out,
    )
    print(file=out)


def _share(count: int, total: int, percent: float | None) -> str:
    return f"{count:>4}/{total:<4} {percent:5.1f}%" if percent is not None else f"{'-':>16}"


def _print_table(out: TextIO, ours: dict[str, Figures], baseline: dict[str, Figures]) -> None:
    print(
        f"{'':6}{'in-scope accuracy':^35}   {'out-of-scope declined':^35}   {'wrong answers':^15}",
        file=out,
    )
    print(
        f"{'lang':<6}{'matcher':>16}   {'baseline':>16}   {'matcher':>16}   {'baseline':>16}"
        f"   {'matcher':>7} {'basel.':>7}",
        file=out,
    )
    for lang, fig in ours.items():
        base = baseline[lang]
        if lang == ALL:
            print("-" * 94, file=out)
        print(
            f"{lang:<6}{_share(fig.correct, fig.in_scope, fig.accuracy):>16}   "
            f"{_share(base.correct, base.in_scope, base.accuracy):>16}   "
            f"{_share(fig.declined, fig.out_of_scope, fig.declined_share):>16}   "
            f"{_share(base.declined, base.out_of_scope, base.declined_share):>16}   "
            f"{fig.wrong:>7} {base.wrong:>7}",
            file=out,
        )
    print(file=out)


def _print_notes(out: TextIO, ours: tuple[Outcome, ...], baseline: BaselineRun) -> None:
    wrong_language = [o for o in ours if o.language != o.case.lang]
    notes = (
        "Matcher:  intents.responder.Responder, no context, no language hint; the reply "
        f"language differs from the question's in {len(wrong_language)} of {len(ours)} cases.",
        "Baseline: rapidfuzz process.extractOne (default scorer WRatio, "
        f"processor=utils.default_process) over all {baseline.phrasings} phrasings, answered "
        f"when the score is >= {baseline.cutoff:g}: the best single cutoff on these very cases "
        "(it maximises the mean of in-scope accuracy and declined share), so the baseline is "
        "tuned on its own test. It has no reply kinds: a company case passes when it answers "
        "at all, an unknown company when it declines.",
    )
    for note in notes:
        print(textwrap.fill(note, width=100, subsequent_indent=" " * 10), file=out)
    print(file=out)


def _print_failures(out: TextIO, outcomes: tuple[Outcome, ...]) -> None:
    failed = failures(outcomes)
    print(f"Failures of the matcher: {len(failed)}", file=out)
    for outcome in failed:
        case = outcome.case
        scope = "in scope" if case.in_scope else "out of scope"
        print(f"[{case.lang}] {scope}, line {case.line}: {case.question}", file=out)
        print(f"     expected {case.describe_expectation()}; got {outcome.describe()}", file=out)
    print(file=out)
    wrong_language = [o for o in outcomes if o.language != o.case.lang]
    if wrong_language:
        print(f"Replies in another language than the question: {len(wrong_language)}", file=out)
        for outcome in wrong_language:
            print(
                f"[{outcome.case.lang}] line {outcome.case.line}: {outcome.case.question}\n"
                f"     replied in {outcome.language}",
                file=out,
            )
        print(file=out)


def _conversation(args: argparse.Namespace, kb: KnowledgeBase, out: TextIO) -> int:
    """Whole messages with their chat's context (tests/eval/conversation.yaml)."""
    responder = Responder(kb)
    cases = load_conversation(args.cases)
    outcomes = evaluate_conversation(
        cases, lambda q, context, hint: responder.reply(q, context=context, language_hint=hint)
    )
    result = conversation_figures(outcomes)
    print(
        f"Cases: {args.cases}: {len(cases)} whole messages, replayed with their context", file=out
    )
    print(f"{'':40} {'passed':>14}", file=out)
    for category, (passed, total) in result.items():
        print(f"{category:40} {passed:>5}/{total:<4} {100 * passed / total:5.1f}%", file=out)
    figures_stated = sum(o.states_figure for o in outcomes)
    print(f"small talk or declines that state a figure: {figures_stated}", file=out)
    if not args.quiet:
        failed = [o for o in outcomes if not o.passed]
        print(f"\nFailures: {len(failed)}", file=out)
        for outcome in failed:
            print(
                f"[{outcome.case.lang}] line {outcome.case.line}: {outcome.case.question}\n"
                f"     {outcome.why}",
                file=out,
            )
    minimum = getattr(args, "min_accuracy", None)
    if minimum is not None and 100 * result["all"][0] / result["all"][1] < minimum:
        return 1
    return 0
