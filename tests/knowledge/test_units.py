"""Units: the counter a language writes with a figure, declared once in the base manifest."""

from __future__ import annotations

from intents.responder import Responder
from knowledge.loader import check_knowledge, load_knowledge
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR
from tests.knowledge.conftest import MiniBase

UNITS = "  units:\n    residents: {de: ' Personen'}\n"


def test_a_units_counter_is_written_with_the_figure(minibase: MiniBase) -> None:
    minibase.write("base.yaml", minibase.text("base.yaml") + UNITS)
    kb = load_knowledge(minibase.path)
    assert kb.units["residents"]["de"] == " Personen"
    answer = Responder(kb).answer_entry("residents", "de").text
    assert "Personen" in answer and "Personen Personen" not in answer


def test_an_answer_that_writes_the_counter_again_is_refused(minibase: MiniBase) -> None:
    minibase.write("base.yaml", minibase.text("base.yaml") + UNITS)
    minibase.replace(
        "entries/main.yaml",
        "leben {value:residents} Japaner",
        "leben {value:residents} Personen Japaner",
    )
    base, problems = check_knowledge(minibase.path)
    assert base is None
    [problem] = [p for p in problems if "adds it already" in p.message]
    assert problem.file == "entries/main.yaml" and problem.line > 1


def test_japanese_figures_keep_their_counters() -> None:
    responder = Responder(load_knowledge(SHIPPED_KNOWLEDGE_DIR))
    assert "600社以上" in responder.answer_entry("companies-nrw", "ja").text
    assert "13,752人以上" in responder.answer_entry("residents-nrw", "ja").text
    assert "150名以上" in responder.answer_entry("seminar-attendance", "ja").text
    assert "384社の" in responder.answer_entry("companies-duesseldorf", "ja").text
    english = responder.answer_entry("companies-nrw", "en").text
    assert "over 600 Japanese" in english, "no counter where the language has none"
