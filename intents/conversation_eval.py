"""Measuring the conversation layer: whole messages as people send them (issue 11).

A case file such as ``tests/eval/conversation.yaml`` (its schema is at the top of that
file) holds messages with their chat's earlier messages: small talk, greetings around a
question, several questions in one message, follow-ups, questions about now. Each case is
replayed through ``Responder.reply`` with the context the earlier replies leave, and
judged as the file's header says. ``python -m bot eval`` prints the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from intents.reply import COMPANY, SEVERAL, SMALL_TALK, UNKNOWN_COMPANY, Conversation, Reply

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DIGIT = re.compile(r"\d")
SMALL_TALK_PREFIX = "small-talk-"

# Categories the figures are reported by.
SMALL_TALK_CASES, SEVERAL_CASES, ONE_QUESTION, NOT_ON_FILE = (
    "small talk",
    "several questions",
    "one question (chatty, follow-up, now)",
    "not on file",
)


@dataclass(frozen=True, slots=True)
class ConversationCase:
    question: str
    lang: str
    expect: str | tuple[str | None, ...] | None
    small_talk: str | None = None
    context: tuple[str, ...] = ()
    client_lang: str | None = None
    too_many: bool = False
    present: bool = False
    expect_kind: str | None = None
    company: str | None = None
    line: int = 0

    @property
    def category(self) -> str:
        if self.small_talk:
            return SMALL_TALK_CASES
        if isinstance(self.expect, tuple):
            return SEVERAL_CASES
        if self.expect is not None or self.expect_kind == COMPANY:
            return ONE_QUESTION
        return NOT_ON_FILE


@dataclass(frozen=True, slots=True)
class ConversationOutcome:
    case: ConversationCase
    passed: bool
    reply: Reply
    why: str = ""
    states_figure: bool = field(default=False)


def load_conversation(path: str | Path) -> tuple[ConversationCase, ...]:
    text = Path(path).read_text(encoding="utf-8")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return ()
    cases = []
    for item in node.value:
        raw = yaml.load(yaml.serialize(item), Loader=_Loader)
        expect = raw.get("expect")
        cases.append(
            ConversationCase(
                question=str(raw["question"]),
                lang=str(raw["lang"]),
                expect=tuple(expect) if isinstance(expect, list) else expect,
                small_talk=raw.get("small_talk"),
                context=tuple(map(str, raw.get("context") or ())),
                client_lang=raw.get("client_lang"),
                too_many=bool(raw.get("too_many")),
                present=bool(raw.get("present")),
                expect_kind=raw.get("expect_kind"),
                company=raw.get("company"),
                line=item.start_mark.line + 1,
            )
        )
    return tuple(cases)


def is_conversation_file(path: str | Path) -> bool:
    """Whether a case file uses the conversation schema (context, small talk, lists)."""
    text = Path(path).read_text(encoding="utf-8")
    return bool(re.search(r"^\s*-?\s*\{?.*\b(small_talk|context|too_many):", text, re.M))


def replay(
    case: ConversationCase, reply: Callable[[str, Conversation, str | None], Reply]
) -> Reply:
    context = Conversation()
    for earlier in case.context:
        context = reply(earlier, context, case.client_lang).context
    return reply(case.question, context, case.client_lang)


def judge(case: ConversationCase, reply: Reply) -> tuple[bool, str]:
    if reply.language != case.lang:
        return False, f"replied in {reply.language}"
    if case.small_talk:
        kind = SMALL_TALK_PREFIX + case.small_talk.replace("_", "-")
        if reply.kind != SMALL_TALK or reply.entry != kind:
            return False, f"expected small talk {kind}, got {reply.kind} {reply.entry}"
        if _DIGIT.search(reply.text):
            return False, "small talk states a figure"
        return True, ""
    if isinstance(case.expect, tuple):
        parts = reply.parts if reply.kind == SEVERAL else (reply,)
        if len(parts) != len(case.expect):
            return False, f"{len(parts)} parts answered, {len(case.expect)} expected"
        for wanted, part in zip(case.expect, parts, strict=True):
            if wanted is None and part.answered:
                return False, f"a part not on file was answered with {part.entry}"
            if wanted is not None and not (part.answered and part.entry == wanted):
                return False, f"part {wanted!r} got {part.kind} {part.entry}"
        return True, ""
    if case.expect_kind == COMPANY:
        ok = reply.answered and reply.kind == COMPANY
        return ok, "" if ok else f"expected a company reply, got {reply.kind}"
    if case.expect_kind == UNKNOWN_COMPANY:
        ok = not reply.answered and reply.kind == UNKNOWN_COMPANY
        return ok, "" if ok else f"expected unknown_company, got {reply.kind}"
    if case.expect is not None:
        ok = reply.answered and reply.entry == case.expect
        return ok, "" if ok else f"expected {case.expect}, got {reply.kind} {reply.entry}"
    if reply.answered:
        return False, f"declined expected, answered {reply.entry}"
    if reply.kind != UNKNOWN_COMPANY and _DIGIT.search(reply.text):
        return False, "a decline states a figure"
    return True, ""


def evaluate_conversation(
    cases: Sequence[ConversationCase],
    reply: Callable[[str, Conversation, str | None], Reply],
) -> tuple[ConversationOutcome, ...]:
    outcomes = []
    for case in cases:
        got = replay(case, reply)
        passed, why = judge(case, got)
        figure = not got.answered and got.kind != UNKNOWN_COMPANY and bool(_DIGIT.search(got.text))
        outcomes.append(ConversationOutcome(case, passed, got, why, figure))
    return tuple(outcomes)


def conversation_figures(
    outcomes: Sequence[ConversationOutcome],
) -> dict[str, tuple[int, int]]:
    """Per category (and "all"): (passed, cases)."""
    result: dict[str, list[int]] = {}
    for outcome in outcomes:
        for key in (outcome.case.category, "all"):
            bucket = result.setdefault(key, [0, 0])
            bucket[0] += outcome.passed
            bucket[1] += 1
    return {k: (v[0], v[1]) for k, v in result.items()}
