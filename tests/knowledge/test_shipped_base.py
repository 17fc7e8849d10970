"""The base that ships with the bot is valid and covers what the press release says."""

from __future__ import annotations

import pytest

from knowledge.loader import load_knowledge
from knowledge.model import KnowledgeBase
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge(SHIPPED_KNOWLEDGE_DIR)


def test_the_shipped_base_loads_without_warnings(kb: KnowledgeBase) -> None:
    assert kb.languages == ("en", "de", "ja")
    assert kb.warnings == ()


def test_every_entry_rests_on_the_press_release(kb: KnowledgeBase) -> None:
    for entry in kb.entries.values():
        if entry.small_talk:
            assert not kb.evidence_of(entry), f"{entry.id}: small talk cites nothing"
            continue
        evidence = kb.evidence_of(entry)
        assert evidence, f"{entry.id} cites nothing"
        assert {e.source_id for e in evidence} == {"press-release-2017-09-13"}, entry.id


def test_every_entry_has_questions_and_an_answer_in_every_language(kb: KnowledgeBase) -> None:
    for entry in kb.entries.values():
        assert set(entry.answer) == set(kb.languages), entry.id
        assert all(entry.questions[lang] for lang in kb.languages), entry.id


def test_the_key_figures_are_on_file_with_their_qualifiers(kb: KnowledgeBase) -> None:
    expected = {
        "companies-duesseldorf": (384, "exact"),
        "companies-nrw": (600, "over"),
        "residents-duesseldorf": (7038, "exact"),
        "residents-nrw": (13752, "over"),
        "seminar-attendees": (150, "over"),
    }
    actual = {i: (kb.facts[i].value, kb.facts[i].qualifier) for i in expected}
    assert actual == expected
