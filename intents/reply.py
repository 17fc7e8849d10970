"""What answering a question produces: a ``Reply``, plus the chat's ``Conversation`` context.

Plain data, no behaviour: every face (Telegram, inline mode, console, ``ask``, ``eval``)
renders the same ``Reply`` in its own way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from knowledge import Language

# Why a reply looks the way it does; faces use it to pick buttons and the analytics to
# decide what to record.
ANSWER = "answer"  # matched an entry: text states what the base has on file
COMPANY = "company"  # a company presence question answered from the entities
UNKNOWN_COMPANY = "unknown_company"  # a company the source does not name
DID_YOU_MEAN = "did_you_mean"  # unsure: suggestions instead of an answer
NOT_ON_FILE = "not_on_file"  # the base does not answer this
EMPTY = "empty"  # nothing to answer (blank or punctuation only)
SMALL_TALK = "small_talk"  # a greeting, thanks, "who are you": the bot's own words, no figure
SEVERAL = "several"  # a message with several questions, each answered (or not) in ``parts``


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A citation: which source, its short line in the reply language, and the excerpt."""

    source_id: str
    citation: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An entry offered as a button: its id and a phrasing in the reply language."""

    entry_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Conversation:
    """What a chat's next question may refer back to ("and in Ohio?")."""

    last_entry: str | None = None
    last_question: str | None = None
    language: Language | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    question: str
    language: Language
    answered: bool  # True only when the text states facts from the base that answer the question
    kind: str  # one of the constants above
    text: str  # plain text; rendering (HTML, JSON) is the faces' job
    entries: tuple[str, ...] = ()  # matched entry ids, best first
    score: float = 0.0  # confidence, 0..100
    sources: tuple[SourceRef, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()  # "did you mean"
    follow_ups: tuple[Suggestion, ...] = ()  # related questions
    best_candidate: str | None = None  # best entry even when not answered (for curators)
    context: Conversation = Conversation()  # the chat's context after this question
    confidence: float = 0.0  # calibrated chance that the best entry is right, 0..1
    # For a message with several questions (kind SEVERAL): the reply to each, in order.
    parts: tuple[Reply, ...] = ()
    # why: the analysis, candidates, constraints and decision (plain data, for --explain)
    explanation: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def entry(self) -> str | None:
        return self.entries[0] if self.entries else None
