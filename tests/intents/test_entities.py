import pytest

from intents.responder import Responder


def mentioned(responder: Responder, text: str) -> list[tuple[str, str]]:
    analysis = responder.analyser.analyse(text)
    return [(m.entity, m.kind) for m in analysis.mentions]


@pytest.mark.parametrize("name", ["Munich", "München", "Muenchen", "ミュンヘン"])
def test_one_place_in_every_spelling(responder: Responder, name: str) -> None:
    assert ("world:munich", "place") in mentioned(responder, f"Japanese companies in {name}?")


def test_nationality_and_country_are_one_entity_in_different_roles(responder: Responder) -> None:
    as_nationality = mentioned(responder, "Chinese companies")
    as_place = mentioned(responder, "companies from China")
    assert as_nationality == [("world:china", "nationality")]
    assert as_place == [("world:china", "place")]


def test_base_entities_win_over_the_gazetteer(responder: Responder) -> None:
    entities = {e for e, _ in mentioned(responder, "Düsseldorf, NRW and Tokyo")}
    assert entities <= set(responder.kb.entities)
    assert len(entities) == 3


def test_gazetteer_names_join_the_base_entity(responder: Responder) -> None:
    # The base need not list every spelling: the world gazetteer adds them.
    assert {e for e, _ in mentioned(responder, "Nordrhein-Westfalen")} == {
        e for e, _ in mentioned(responder, "North Rhine-Westphalia")
    }


def test_misspelt_company_is_recognised(responder: Responder) -> None:
    assert mentioned(responder, "Is Toyta in NRW?")[0] == ("toyota", "company")


def test_company_known_only_to_the_world(responder: Responder) -> None:
    assert ("world:sony", "company") in mentioned(responder, "Is Sony in Düsseldorf?")


def test_japanese_names_without_spaces(responder: Responder) -> None:
    entities = {e for e, _ in mentioned(responder, "トヨタはデュッセルドルフにありますか")}
    assert {"toyota", "duesseldorf"} <= entities


def test_misspelt_katakana_place(responder: Responder) -> None:
    assert "duesseldorf" in {e for e, _ in mentioned(responder, "ドュッセルドルフの日本企業")}


def test_ordinary_words_are_not_names(responder: Responder) -> None:
    assert mentioned(responder, "What is the startup scene like?") == []


def test_unknown_capitalised_word_is_a_possible_name(responder: Responder) -> None:
    analysis = responder.analyser.analyse("What did Angela Merkel say?", find_names=True)
    assert "Merkel" in analysis.names
    assert responder.analyser.analyse("What did the mayor say?", find_names=True).names == ()
