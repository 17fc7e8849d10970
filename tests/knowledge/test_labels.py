"""Each entry's question on buttons: its label where it has one, else its first phrasing;
a shown question that does not read as one is a warning with its line."""

from __future__ import annotations

import pytest

from knowledge.loader import load_knowledge
from knowledge.references import label_problem
from tests.knowledge.conftest import MiniBase

FERRIES = """entries:
  - id: ferries
    label: {en: "How many ferries leave each day?"}
    questions:
      en: [ferries per day, "How many ferries leave every day from the harbour, on average?"]
      de: [Wie viele Fähren fahren täglich?]
    answer:
      en: "About forty ferries a day."
      de: "Etwa vierzig Fähren am Tag."
"""


def test_the_label_is_shown_where_the_entry_has_one_and_the_first_phrasing_elsewhere(
    minibase: MiniBase,
) -> None:
    minibase.write("entries/ferries.yaml", FERRIES)
    entry = load_knowledge(minibase.path).entries["ferries"]
    assert entry.display_question("en") == "How many ferries leave each day?"
    assert entry.display_question("de") == "Wie viele Fähren fahren täglich?"
    assert entry.display_question("ja") is None


def test_a_first_phrasing_that_is_no_question_is_named_with_its_line(minibase: MiniBase) -> None:
    minibase.write(
        "entries/ferries.yaml",
        FERRIES.replace('    label: {en: "How many ferries leave each day?"}\n', ""),
    )
    kb = load_knowledge(minibase.path)
    warned = [w for w in kb.warnings if "shown on buttons (en)" in w.message]
    assert len(warned) == 1 and warned[0].file == "entries/ferries.yaml"
    assert "does not end with a question mark" in warned[0].message
    assert "give the entry a label (en)" in warned[0].message
    assert warned[0].line == 4  # the "en:" of its questions


@pytest.mark.parametrize(
    ("shown", "problem"),
    [
        ("How many ferries leave each day?", None),
        ("Wie viele Fähren fahren täglich？", None),
        ("毎日何便のフェリーがありますか？", None),
        ("why ferries?", "starts with a small letter"),
        ("über Fähren?", "starts with a small letter"),
        ("Ferries per day", "does not end with a question mark"),
        ("How many ferries " + "and buses " * 6 + "leave?", "longer than 60 characters"),
    ],
)
def test_a_shown_question_reads_as_a_question(shown: str, problem: str | None) -> None:
    found = label_problem(shown)
    assert (found is None) if problem is None else (found is not None and problem in found)
