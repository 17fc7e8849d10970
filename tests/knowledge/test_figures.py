"""Figures written in texts, in whatever spelling, are the same figure."""

from __future__ import annotations

import pytest

from knowledge.figures import figures_in, figures_of_value


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("über 13.752 Japaner", ("13752",)),
        ("over 13,752 Japanese", ("13752",)),
        ("13752", ("13752",)),
        ("７０３８人", ("7038",)),  # full-width digits
        ("600社以上", ("600",)),
        ("2,5 Prozent and 2.50 percent", ("2.5", "2.5")),
        ("am 13.09.2017", ("13", "9", "2017")),
        ("on 2017-09-13", ("2017", "9", "13")),
        ("on the 13th", ("13",)),
        ("5G, B2B and MP3 are names", ()),
        ("call +49 211 1234 or write to info2@nrw-invest.example", ()),
        ("see https://example.com/2017/09/report-384.html", ()),
        ("no figures here", ()),
    ],
)
def test_figures_in_text(text: str, figures: tuple[str, ...]) -> None:
    assert figures_in(text) == figures


def test_a_facts_value_carries_its_figure() -> None:
    assert figures_of_value(384) == ("384",)
    assert figures_of_value(2.5) == ("2.5",)
    assert figures_of_value(600.0) == ("600",)
    assert figures_of_value("2017-09-13") == ("2017", "9", "13")
    assert figures_of_value(None) == ()
