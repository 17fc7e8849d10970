"""Loading a valid base: what the rest of the program gets (resolved, ordered, immutable)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from knowledge.loader import check_knowledge, load_knowledge
from knowledge.model import KnowledgeBase, Origin
from tests.knowledge.conftest import MINIBASE, MiniBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(MINIBASE)


def test_the_mini_base_loads_without_problems(kb: KnowledgeBase) -> None:
    assert kb.title == "Mini base for tests"
    assert kb.languages == ("en", "de") and kb.default_language == "en"
    assert kb.warnings == ()
    again, problems = check_knowledge(MINIBASE)
    assert again is not None and problems == ()


def test_entries_keep_file_order_and_records_know_where_they_were_written(
    kb: KnowledgeBase,
) -> None:
    assert list(kb.entries) == ["residents", "companies", "mayor"]
    assert kb.entries["companies"].origin == Origin("entries/main.yaml", 13)
    assert kb.facts["residents"].origin == Origin("facts.yaml", 2)


def test_records_named_in_placeholders_count_as_cited(kb: KnowledgeBase) -> None:
    assert kb.entries["residents"].facts == ("residents",)  # only via {value:residents}
    mayor = kb.entries["mayor"]
    assert mayor.quotes == ("quote-muster",)  # via {quote:...} and {speaker:...}
    assert mayor.entities == ("anna-muster",)
    assert [e.source_id for e in kb.evidence_of(mayor)] == ["release"]


def test_a_fact_carries_the_figures_of_its_excerpt_and_value(kb: KnowledgeBase) -> None:
    assert kb.facts["residents"].figures == frozenset({"1234"})
    assert kb.facts["residents"].qualifier == "over" and kb.facts["residents"].as_of == "2017-09"
    assert kb.facts["companies"].qualifier == "exact"  # the default


def test_sources_carry_their_text_and_dates_become_iso_strings(kb: KnowledgeBase) -> None:
    source = kb.sources["release"]
    assert source.date == "2017-09-13"
    assert "Alleine in Beispielstadt haben 56" in source.text
    assert source.citation["de"].startswith("Pressemitteilung")


def test_a_quote_is_its_original_wording_plus_marked_translations(kb: KnowledgeBase) -> None:
    quote = kb.quotes["quote-muster"]
    assert quote.evidence.excerpt == quote.text["de"]
    assert quote.is_translation("en") and not quote.is_translation("de")


def test_the_loaded_base_cannot_be_changed(kb: KnowledgeBase) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.title = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.entries["residents"].answer = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        kb.entries["x"] = kb.entries["residents"]  # type: ignore[index]
    with pytest.raises(TypeError):
        kb.entries["residents"].questions["en"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        kb.facts["residents"].statement["en"] = "changed"  # type: ignore[index]
    assert isinstance(kb.entries["residents"].questions["en"], tuple)
    assert isinstance(kb.entries["residents"].related, tuple)


def test_the_fingerprint_changes_with_any_file_including_the_source_text(
    minibase: MiniBase,
) -> None:
    before = load_knowledge(minibase.path).fingerprint
    assert load_knowledge(minibase.path).fingerprint == before
    minibase.write("source.de.txt", minibase.text("source.de.txt") + "\nNachtrag.\n")
    assert load_knowledge(minibase.path).fingerprint != before


def test_records_may_be_split_over_files_in_sub_folders(minibase: MiniBase) -> None:
    minibase.write(
        "entries/more/extra.yaml",
        "entries:\n"
        "  - id: extra\n"
        "    questions: {en: [Is there more?], de: [Gibt es mehr?]}\n"
        "    answer: {en: '{fact:companies}', de: '{fact:companies}'}\n",
    )
    kb = load_knowledge(minibase.path)
    assert list(kb.entries) == ["residents", "companies", "mayor", "extra"]
    assert kb.entries["extra"].origin == Origin("entries/more/extra.yaml", 2)


def test_a_single_language_base_with_plain_entries_loads_with_a_warning_per_answer(
    tmp_path: Path,
) -> None:
    (tmp_path / "base.yaml").write_text(
        "base:\n  title: Contacts\n  languages: [en]\n", encoding="utf-8"
    )
    (tmp_path / "entries.yaml").write_text(
        "entries:\n"
        "  - id: contact\n"
        "    questions:\n"
        "      en: [Whom can I contact?, contact details]\n"
        "    answer:\n"
        "      en: Write to invest@example.com or call +49 211 1234.\n"
        "  - id: office-hours\n"
        "    questions:\n"
        "      en: [When is the office open?]\n"
        "    answer:\n"
        "      en: Monday to Friday.\n",
        encoding="utf-8",
    )
    kb = load_knowledge(tmp_path)
    assert kb.languages == ("en",)
    assert not kb.facts and not kb.sources
    assert [(w.file, w.line, w.severity) for w in kb.warnings] == [
        ("entries.yaml", 5, "warning"),
        ("entries.yaml", 10, "warning"),
    ]
    assert all("cites no source" in w.message for w in kb.warnings)


def test_a_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    base, problems = check_knowledge(tmp_path / "nowhere")
    assert base is None
    assert [p.message for p in problems] == ["no such directory"]


def test_the_same_question_in_two_entries_is_a_warning(minibase: MiniBase) -> None:
    minibase.replace(
        "entries/main.yaml",
        "en: [What did the mayor say?]",
        "en: [What did the mayor say?, 'how many Japanese live in Beispielstadt']",
    )
    kb = load_knowledge(minibase.path)
    assert [(w.file, w.line, w.message) for w in kb.warnings] == [
        (
            "entries/main.yaml",
            minibase.line_of("entries/main.yaml", "What did the mayor say?"),
            "entry 'mayor': question 'how many Japanese live in Beispielstadt' is also asked "
            "in entry 'residents'",
        )
    ]
