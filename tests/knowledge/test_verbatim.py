"""An excerpt must occur in its source character for character; only white space may differ."""

from __future__ import annotations

from knowledge.verbatim import SourceText, quote_segments

SOURCE = SourceText(
    "„Als Top-Standort der Mobil- und\nKommunikations-Branche hat Düsseldorf“, sagte er."
)


def test_runs_of_white_space_match_any_other_run() -> None:
    assert SOURCE.contains("Mobil- und   Kommunikations-Branche")
    assert SOURCE.contains("  Als Top-Standort\tder Mobil-\n und Kommunikations-Branche ")


def test_anything_else_must_be_exact() -> None:
    assert not SOURCE.contains('"Als Top-Standort')  # straight quote for the typographic one
    assert not SOURCE.contains("Mobil und")
    assert not SOURCE.contains("als top-standort")
    assert not SOURCE.contains("   ")  # an empty excerpt proves nothing


def test_a_shortened_quote_is_checked_part_by_part() -> None:
    assert quote_segments("Als Top-Standort … hat Düsseldorf") == (
        "Als Top-Standort",
        "hat Düsseldorf",
    )
    assert SOURCE.missing_segments("Als Top-Standort … hat Düsseldorf") == ()
    assert SOURCE.missing_segments("Als Top-Standort … hat Köln") == ("hat Köln",)
