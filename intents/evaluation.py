"""Measuring matching: evaluation cases, how a reply is judged, the figures, and a naive baseline.

Pure and Telegram-free. ``python -m bot eval`` (bot/cli/eval.py) prints what this
computes, and the CI gate (tests/intents/test_dev_set.py) asserts on it.

A case file is a YAML list of cases (the schema is documented at the top of
tests/eval/dev.yaml):

    - {question: "Is Acme in Ohio?", expect: null, expect_kind: company, company: acme, lang: en}

A case is *in scope* when it names the entry that must answer it (``expect``), or when it
is a presence question about a company the base names (``expect_kind: company``). Every
other case is *out of scope* and passes only when the reply declines (``answered`` false);
``expect_kind: unknown_company`` additionally asks for the reply kind ``unknown_company``.

The baseline is what a bot without understanding would do: rapidfuzz ``extractOne`` with
``utils.default_process`` over every phrasing of every entry, answering the best
phrasing's entry when its score reaches a cutoff. The cutoff is the best single one for the
very cases it is scored on, which flatters the baseline: the gain shown is a lower bound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from rapidfuzz import process, utils

from intents.reply import COMPANY, UNKNOWN_COMPANY, Reply
from knowledge import KnowledgeBase

EXPECT_KINDS = (COMPANY, UNKNOWN_COMPANY)
_KEYS = {"question", "expect", "lang", "expect_kind", "company"}
_REQUIRED = ("question", "expect", "lang")
ALL = "all"  # the key of the figures over every language

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CaseError(ValueError):
    """A case file that cannot be evaluated; ``problems`` lists every reason, located."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    lang: str
    expect: str | None = None  # the entry that must answer; None when no entry may
    expect_kind: str | None = None  # COMPANY or UNKNOWN_COMPANY for presence questions
    company: str | None = None  # entity id the company reply must be about
    line: int = 0  # where the case is written, for messages

    @property
    def in_scope(self) -> bool:
        return self.expect is not None or self.expect_kind == COMPANY

    def describe_expectation(self) -> str:
        if self.expect is not None:
            return self.expect
        if self.expect_kind == COMPANY:
            return f"company reply about {self.company}" if self.company else "company reply"
        if self.expect_kind == UNKNOWN_COMPANY:
            return "declined as unknown_company"
        return "declined"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came back for one case, and whether that passes."""

    case: Case
    passed: bool
    answered: bool
    entry: str | None
    kind: str
    score: float
    language: str | None = None  # the reply's language (None for the baseline)
    best_candidate: str | None = None

    def describe(self) -> str:
        verdict = f"answered {self.entry}" if self.answered else "declined"
        details = [self.kind, f"score {self.score:.1f}"]
        if not self.answered and self.best_candidate:
            details.append(f"best candidate {self.best_candidate}")
        return f"{verdict} ({', '.join(details)})"


@dataclass(frozen=True, slots=True)
class Figures:
    """Counts for one language (or all): in-scope cases answered right, out-of-scope declined."""

    in_scope: int = 0
    correct: int = 0
    out_of_scope: int = 0
    declined: int = 0
    # Answers that state the wrong thing: another entry's answer to an in-scope question,
    # any answer to an out-of-scope one (a decline or a "did you mean" states nothing).
    wrong: int = 0

    @property
    def accuracy(self) -> float | None:
        """In-scope accuracy in percent; None when there are no in-scope cases."""
        return 100.0 * self.correct / self.in_scope if self.in_scope else None

    @property
    def declined_share(self) -> float | None:
        """Share of out-of-scope cases declined, in percent; None when there are none."""
        return 100.0 * self.declined / self.out_of_scope if self.out_of_scope else None

    def add(self, outcome: Outcome) -> Figures:
        wrong = self.wrong + (outcome.answered and not outcome.passed)
        if outcome.case.in_scope:
            return Figures(
                self.in_scope + 1,
                self.correct + outcome.passed,
                self.out_of_scope,
                self.declined,
                wrong,
            )
        return Figures(
            self.in_scope,
            self.correct,
            self.out_of_scope + 1,
            self.declined + outcome.passed,
            wrong,
        )


# ------------------------------------------------------------------ cases


def parse_cases(text: str, file: str = "<cases>") -> tuple[Case, ...]:
    """Cases from the YAML text of a case file; raises ``CaseError`` listing every problem."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise CaseError([f"{file}:{line}: not valid YAML: {exc}"]) from None
    if not isinstance(data, list) or not data:
        raise CaseError([f"{file}:1: expected a non-empty list of cases"])
    lines = [node.start_mark.line + 1 for node in root.value] if root is not None else []
    problems: list[str] = []
    cases: list[Case] = []
    for raw, line in zip(data, lines, strict=True):
        case, errors = _case(raw, line)
        problems.extend(f"{file}:{line}: {error}" for error in errors)
        if case is not None:
            cases.append(case)
    if problems:
        raise CaseError(problems)
    return tuple(cases)


def load_cases(path: str | Path) -> tuple[Case, ...]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseError([f"{path}:0: cannot read: {exc}"]) from None
    return parse_cases(text, str(path))


def _case(raw: object, line: int) -> tuple[Case | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ["a case must be a mapping with question, expect and lang"]
    errors = [f"unknown key {key!r}" for key in raw if key not in _KEYS]
    errors += [f"missing key {key!r}" for key in _REQUIRED if key not in raw]
    question, lang = raw.get("question"), raw.get("lang")
    expect, kind, company = raw.get("expect"), raw.get("expect_kind"), raw.get("company")
    if "question" in raw and (not isinstance(question, str) or not question.strip()):
        errors.append("question must be non-empty text")
    if "lang" in raw and (not isinstance(lang, str) or not lang):
        errors.append("lang must be a language code such as en")
    if expect is not None and not isinstance(expect, str):
        errors.append("expect must be an entry id or null")
    if kind is not None and kind not in EXPECT_KINDS:
        errors.append(f"expect_kind must be one of {', '.join(EXPECT_KINDS)}")
    if kind is not None and expect is not None:
        errors.append("expect_kind goes with expect: null")
    if company is not None and (kind != COMPANY or not isinstance(company, str)):
        errors.append("company (an entity id) goes with expect_kind: company")
    if errors:
        return None, errors
    assert isinstance(question, str) and isinstance(lang, str)
    return Case(question, lang, expect, kind, company, line), []


def check_cases(cases: Iterable[Case], kb: KnowledgeBase, file: str = "<cases>") -> None:
    """Raise ``CaseError`` when cases name entries or companies the base does not have."""
    problems = []
    for case in cases:
        if case.expect is not None and case.expect not in kb.entries:
            problems.append(f"{file}:{case.line}: no entry {case.expect!r} in the base")
        if case.company is not None and case.company not in kb.entities:
            problems.append(f"{file}:{case.line}: no entity {case.company!r} in the base")
    if problems:
        raise CaseError(problems)


# ------------------------------------------------------------------ judging


def judge(case: Case, reply: Reply, company_names: Sequence[str] = ()) -> bool:
    """Whether ``reply`` is what ``case`` asks for (see the module docstring)."""
    if case.expect is not None:
        return reply.answered and reply.entry == case.expect
    if case.expect_kind == COMPANY:
        if not (reply.answered and reply.kind == COMPANY):
            return False
        return case.company is None or _about(reply, case.company, company_names)
    if case.expect_kind == UNKNOWN_COMPANY:
        return not reply.answered and reply.kind == UNKNOWN_COMPANY
    return not reply.answered


def _about(reply: Reply, company: str, names: Sequence[str]) -> bool:
    if company in reply.entries:
        return True
    text = reply.text.casefold()
    return any(name.casefold() in text for name in names if name)


def evaluate(
    cases: Iterable[Case], kb: KnowledgeBase, reply_to: Callable[[str], Reply]
) -> tuple[Outcome, ...]:
    """Ask ``reply_to`` every case's question (without context) and judge the replies."""
    outcomes = []
    for case in cases:
        reply = reply_to(case.question)
        entity = kb.entities.get(case.company) if case.company else None
        names = entity.all_names() if entity is not None else ()
        outcomes.append(
            Outcome(
                case=case,
                passed=judge(case, reply, names),
                answered=reply.answered,
                entry=reply.entry,
                kind=reply.kind,
                score=reply.score,
                language=reply.language,
                best_candidate=reply.best_candidate,
            )
        )
    return tuple(outcomes)


def figures(outcomes: Iterable[Outcome]) -> dict[str, Figures]:
    """Figures per case language, in order of first appearance, then ``ALL``."""
    by_language: dict[str, Figures] = {}
    overall = Figures()
    for outcome in outcomes:
        lang = outcome.case.lang
        by_language[lang] = by_language.get(lang, Figures()).add(outcome)
        overall = overall.add(outcome)
    by_language[ALL] = overall
    return by_language


def failures(outcomes: Iterable[Outcome]) -> tuple[Outcome, ...]:
    return tuple(outcome for outcome in outcomes if not outcome.passed)


def shortfalls(
    by_language: Mapping[str, Figures],
    min_accuracy: float | None = None,
    min_declined: float | None = None,
) -> list[str]:
    """Why the figures miss the bars: any language's accuracy, the overall declined share."""
    reasons = []
    if min_accuracy is not None:
        for lang, fig in by_language.items():
            if lang != ALL and fig.accuracy is not None and fig.accuracy < min_accuracy:
                reasons.append(f"{lang}: in-scope accuracy {fig.accuracy:.1f}% < {min_accuracy:g}%")
    overall = by_language.get(ALL, Figures())
    declined = overall.declined_share
    if min_declined is not None and declined is not None and declined < min_declined:
        reasons.append(f"out-of-scope declined {declined:.1f}% < {min_declined:g}%")
    return reasons


# ------------------------------------------------------------------ baseline


@dataclass(frozen=True, slots=True)
class BaselineRun:
    outcomes: tuple[Outcome, ...]
    cutoff: float
    phrasings: int


class Baseline:
    """rapidfuzz ``extractOne`` (scorer WRatio, ``default_process``) over all phrasings."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._entries: list[str] = []
        choices: list[str] = []
        for entry in kb.entries.values():
            for phrasings in entry.questions.values():
                for phrasing in phrasings:
                    self._entries.append(entry.id)
                    choices.append(phrasing)
        # Processed once here instead of on every call: the same scores as passing
        # processor=utils.default_process to extractOne, without redoing the work per question.
        self._choices = [utils.default_process(choice) for choice in choices]

    @property
    def phrasings(self) -> int:
        return len(self._choices)

    def best(self, question: str) -> tuple[str | None, float]:
        """The entry of the phrasing closest to ``question``, and its score (0..100)."""
        if not self._choices:
            return None, 0.0
        found = process.extractOne(utils.default_process(question), self._choices, processor=None)
        if found is None:
            return None, 0.0
        _, score, index = found
        return self._entries[index], float(score)

    def run(self, cases: Sequence[Case], cutoff: float | None = None) -> BaselineRun:
        """Judge the baseline on ``cases``; without ``cutoff``, use the best one for them."""
        best = [self.best(case.question) for case in cases]
        if cutoff is None:
            cutoff = max(range(101), key=lambda c: _balanced(_baseline_outcomes(cases, best, c)))
        return BaselineRun(_baseline_outcomes(cases, best, cutoff), float(cutoff), self.phrasings)


def _baseline_outcomes(
    cases: Sequence[Case], best: Sequence[tuple[str | None, float]], cutoff: float
) -> tuple[Outcome, ...]:
    outcomes = []
    for case, (entry, score) in zip(cases, best, strict=True):
        answered = entry is not None and score >= cutoff
        # The baseline has no reply kinds: a company case counts when it answers at all,
        # an unknown company when it declines. Generous, so the comparison stays fair.
        if case.expect is not None:
            passed = answered and entry == case.expect
        else:
            passed = answered if case.in_scope else not answered
        outcomes.append(
            Outcome(
                case=case,
                passed=passed,
                answered=answered,
                entry=entry if answered else None,
                kind="baseline",
                score=score,
                best_candidate=entry,
            )
        )
    return tuple(outcomes)


def _balanced(outcomes: Iterable[Outcome]) -> float:
    """Mean of overall in-scope accuracy and declined share: the cutoff's objective."""
    overall = figures(outcomes)[ALL]
    parts = [share for share in (overall.accuracy, overall.declined_share) if share is not None]
    return sum(parts) / len(parts) if parts else 0.0
