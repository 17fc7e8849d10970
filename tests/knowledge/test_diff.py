"""A reload reports which records were added, removed or changed, by id."""

from __future__ import annotations

from knowledge.diff import diff_bases
from knowledge.loader import load_knowledge
from tests.knowledge.conftest import MiniBase


def test_the_same_base_twice_has_no_changes(minibase: MiniBase) -> None:
    diff = diff_bases(load_knowledge(minibase.path), load_knowledge(minibase.path))
    assert diff.unchanged
    assert diff.summary() == "no changes"
    assert diff.entries.total == 3


def test_added_removed_and_changed_records_are_listed_by_id(minibase: MiniBase) -> None:
    old = load_knowledge(minibase.path)
    minibase.replace("entries/main.yaml", "  - id: mayor", "  - id: mayor-said")
    minibase.replace(
        "entries/main.yaml",
        "- How many Japanese live in Beispielstadt?",
        "- How many Japanese live there?",
    )
    minibase.replace("facts.yaml", "unit: residents", "unit: people")
    new = load_knowledge(minibase.path)
    diff = diff_bases(old, new)
    assert (diff.entries.added, diff.entries.removed, diff.entries.changed) == (
        ("mayor-said",),
        ("mayor",),
        ("residents",),
    )
    assert diff.facts.changed == ("residents",) and not diff.quotes
    assert "entries: 3 (+1 -1 ~1) + mayor-said - mayor ~ residents" in diff.summary()
    assert "facts: 2 (+0 -0 ~1) ~ residents" in diff.summary()


def test_a_record_that_only_moved_is_not_a_change(minibase: MiniBase) -> None:
    old = load_knowledge(minibase.path)
    minibase.write(
        "facts.yaml", "# a comment that shifts every line\n\n" + minibase.text("facts.yaml")
    )
    new = load_knowledge(minibase.path)
    assert new.facts["residents"].origin != old.facts["residents"].origin
    assert diff_bases(old, new).unchanged
