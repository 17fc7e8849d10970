import pytest

from intents.formats import format_date
from intents.render import Renderer, format_value
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
    ("language", "written"), [("en", "over 600"), ("de", "über 600"), ("ja", "600以上")]
)
def test_qualifier_over(language: str, written: str) -> None:
    assert format_value(fact(600, "over"), language) == written


def test_exact_figure_has_no_qualifier() -> None:
    assert format_value(fact(384), "en") == "384"


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


@pytest.mark.parametrize(
    ("language", "opening", "marker"),
    [("en", "“", "” (translated from German)"), ("ja", "「", "」（ドイツ語からの翻訳）")],
)
def test_quotes_take_the_languages_marks_and_name_the_original_in_it(
    shipped_kb: KnowledgeBase, language: str, opening: str, marker: str
) -> None:
    quote = next(q for q in shipped_kb.quotes.values() if q.original_language == "de")
    written = Renderer(shipped_kb).quote(quote, language)
    assert written.startswith(opening) and written.endswith(marker)
