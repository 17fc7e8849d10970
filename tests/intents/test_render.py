import pytest

from intents.render import Renderer, format_date, format_number, format_value
from knowledge import Evidence, Fact, KnowledgeBase


def fact(value: int | str, qualifier: str = "exact") -> Fact:
    return Fact(
        id="f",
        statement={"en": "s"},
        evidence=Evidence("src", "x"),
        value=value,
        qualifier=qualifier,
    )


@pytest.mark.parametrize(
    ("language", "written"), [("en", "13,752"), ("de", "13.752"), ("ja", "13,752")]
)
def test_numbers_per_language(language: str, written: str) -> None:
    assert format_number(13752, language) == written


@pytest.mark.parametrize(
    ("language", "written"), [("en", "over 600"), ("de", "über 600"), ("ja", "600以上")]
)
def test_qualifier_over(language: str, written: str) -> None:
    assert format_value(fact(600, "over"), language) == written


def test_exact_figure_has_no_qualifier() -> None:
    assert format_value(fact(384), "en") == "384"


@pytest.mark.parametrize(
    ("iso", "language", "written"),
    [
        ("2017-09", "en", "September 2017"),
        ("2017-09", "de", "September 2017"),
        ("2017-09", "ja", "2017年9月"),
        ("2017-09-13", "en", "13 September 2017"),
        ("2017-09-13", "de", "13. September 2017"),
        ("2017-09-13", "ja", "2017年9月13日"),
        ("soon", "en", "soon"),
    ],
)
def test_dates(iso: str, language: str, written: str) -> None:
    assert format_date(iso, language) == written


def test_date_values_are_written_as_dates() -> None:
    assert format_value(fact("2017-09-13"), "de") == "13. September 2017"


def entry_with_placeholder(kb: KnowledgeBase, kind: str):
    for entry in kb.entries.values():
        if any(f"{{{kind}:" in answer for answer in entry.answer.values()):
            return entry
    pytest.skip(f"the shipped base has no {kind} placeholder")


@pytest.mark.parametrize("language", ["en", "de", "ja"])
def test_answers_are_filled_and_dated(shipped_kb: KnowledgeBase, language: str) -> None:
    renderer = Renderer(shipped_kb)
    entry = entry_with_placeholder(shipped_kb, "value")
    text = renderer.answer(entry, language)
    assert "{" not in text
    figure = next(shipped_kb.facts[f] for f in entry.facts if shipped_kb.facts[f].value is not None)
    assert format_value(figure, language) in text
    if figure.as_of:
        assert format_date(str(figure.as_of), language) in text


def test_translated_quotes_are_marked(shipped_kb: KnowledgeBase) -> None:
    renderer = Renderer(shipped_kb)
    quote = next(iter(shipped_kb.quotes.values()))
    translated = next(lang for lang in quote.text if lang != quote.original_language)
    assert "translat" in renderer.quote(quote, "en").lower() or quote.original_language == "en"
    assert renderer.quote(quote, translated) != renderer.quote(quote, quote.original_language)
    assert "übersetzt" not in renderer.quote(quote, quote.original_language)


def test_sources_carry_citation_and_verbatim_excerpt(shipped_kb: KnowledgeBase) -> None:
    renderer = Renderer(shipped_kb)
    entry = entry_with_placeholder(shipped_kb, "value")
    for ref in renderer.entry_sources(entry, "en"):
        source = shipped_kb.sources[ref.source_id]
        assert ref.citation == source.citation["en"]
        assert " ".join(ref.excerpt.split()) in " ".join(source.text.split())
