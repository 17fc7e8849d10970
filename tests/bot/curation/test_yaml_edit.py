"""Writing a phrasing into YAML text: the list gains one item, every other byte stays."""

from __future__ import annotations

import difflib

import pytest

from bot.curation.yaml_edit import EditError, add_phrasing, remove_phrasing
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR

BLOCK = """\
# The entries about the fair.
entries:
  - id: fair   # the one entry
    questions:
      en:
        - When is the fair?
        - "date of the fair"
      de:
        - Wann ist die Messe?
    answer: {en: "5 October", de: "5. Oktober"}
    entities: [messe, duesseldorf,
               tokyo]
"""


def changed_lines(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_a_phrasing_is_one_new_line_and_the_rest_is_untouched() -> None:
    after = add_phrasing(BLOCK, "fair", "en", "When does the fair open?")
    assert changed_lines(BLOCK, after) == ["+        - When does the fair open?"]
    # The wrapped flow list, the comments and the quoting of the others stay as written.
    assert "entities: [messe, duesseldorf,\n               tokyo]" in after


@pytest.mark.parametrize(
    ("phrasing", "written"),
    [
        ("Was kostet: die Miete?", "'Was kostet: die Miete?'"),
        ("# not a comment", "'# not a comment'"),
        ("- a dash", "'- a dash'"),
        ('say "hi"', 'say "hi"'),
        ("デュッセルドルフの「家賃」は？", "デュッセルドルフの「家賃」は？"),
    ],
)
def test_a_phrasing_that_yaml_would_misread_is_quoted(phrasing: str, written: str) -> None:
    after = add_phrasing(BLOCK, "fair", "de", phrasing)
    assert changed_lines(BLOCK, after) == [f"+        - {written}"]


def test_a_flow_list_stays_a_flow_list() -> None:
    text = "entries:\n  - id: x\n    questions:\n      en: [One?, Two?]\n    answer: {en: y}\n"
    after = add_phrasing(text, "x", "en", "Three?")
    assert changed_lines(text, after) == [
        "-      en: [One?, Two?]",
        "+      en: [One?, Two?, Three?]",
    ]


def test_a_language_the_entry_lacks_gets_its_list() -> None:
    after = add_phrasing(BLOCK, "fair", "ja", "見本市はいつですか？")
    assert "      ja:\n        - 見本市はいつですか？\n" in after
    assert remove_phrasing(after, "fair", "ja", "見本市はいつですか？").count("見本市") == 0


def test_removing_what_was_added_gives_back_the_same_bytes() -> None:
    after = add_phrasing(BLOCK, "fair", "en", "When does the fair open?")
    assert remove_phrasing(after, "fair", "en", "When does the fair open?") == BLOCK


def test_every_shipped_file_is_edited_in_its_own_layout() -> None:
    for path in sorted((SHIPPED_KNOWLEDGE_DIR / "entries").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        entry = text.split("- id: ", 1)[1].split()[0]
        after = add_phrasing(text, entry, "de", "Eine neue Frage?")
        assert changed_lines(text, after) == ["+        - Eine neue Frage?"], path.name


@pytest.mark.parametrize(
    ("text", "entry"),
    [(BLOCK, "no-such-entry"), ("entries: [1, 2]\n", "fair"), ("key: [unclosed\n", "fair")],
)
def test_what_cannot_be_edited_says_so(text: str, entry: str) -> None:
    with pytest.raises(EditError):
        add_phrasing(text, entry, "en", "A question?")


def test_removing_a_phrasing_the_entry_lacks_says_so() -> None:
    with pytest.raises(EditError):
        remove_phrasing(BLOCK, "fair", "en", "Never written?")
