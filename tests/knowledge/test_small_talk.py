"""Small talk entries are the bot's own words: they load, cite nothing and state no figure."""

from __future__ import annotations

import pytest

from knowledge.loader import check_knowledge, load_knowledge
from tests.knowledge.conftest import MiniBase

GREETING = """entries:
  - id: hello
    kind: small_talk
    questions:
      en: [hi there, hello]
      de: [hallo, guten Tag]
    answer:
      en: "Hello! I answer questions about Beispielstadt."
      de: "Guten Tag! Ich beantworte Fragen zu Beispielstadt."
"""


def test_a_small_talk_entry_loads_without_a_source_and_without_a_warning(
    minibase: MiniBase,
) -> None:
    minibase.write("entries/small-talk.yaml", GREETING)
    kb = load_knowledge(minibase.path)
    assert kb.entries["hello"].small_talk
    assert not kb.entries["residents"].small_talk
    assert not [w for w in kb.warnings if "hello" in w.message]


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("Hello! I answer", "Hello! 24 hours a day I answer", "small talk states no figure"),
        ("    answer:\n", "    facts: [companies]\n    answer:\n", "small talk cites no fact"),
        ("kind: small_talk", "kind: chit_chat", "kind"),
    ],
)
def test_small_talk_that_states_a_figure_or_cites_a_fact_is_refused_with_its_line(
    minibase: MiniBase, old: str, new: str, reason: str
) -> None:
    minibase.write("entries/small-talk.yaml", GREETING.replace(old, new))
    base, problems = check_knowledge(minibase.path)
    assert base is None
    located = [p for p in problems if p.file == "entries/small-talk.yaml" and reason in p.message]
    assert located and located[0].line > 1, [str(p) for p in problems]
