import pytest

from intents.normalise import MAX_QUESTION_CHARS, fold, japanese_terms, stem, words


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Düsseldorf", "duesseldorf"),
        ("Dusseldorf", "duesseldorf"),
        ("DUESSELDORF", "duesseldorf"),
        ("Düseldorf", "duesseldorf"),
        ("Dusseldorff", "duesseldorf"),
        ("Größe", "groesse"),
        ("Straße", "strasse"),
        ("Köln", "koeln"),
        ("Zürich", "zuerich"),
        ("café", "cafe"),
    ],
)
def test_fold_spellings(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_full_width_forms_become_ascii() -> None:
    assert words(fold("ＮＲＷ？　Ｈｏｗ　ｍａｎｙ")) == ["nrw", "how", "many"]


def test_half_width_katakana_become_full_width() -> None:
    assert fold("ﾄﾖﾀ") == "トヨタ"


def test_punctuation_separates_words() -> None:
    assert words(fold("NRW.INVEST's role — what's that?!")) == [
        "nrw",
        "invest",
        "s",
        "role",
        "what",
        "s",
        "that",
    ]


def test_r_and_d_survives_punctuation() -> None:
    assert words(fold("R&D in NRW")) == ["research", "development", "in", "nrw"]


def test_japanese_runs_are_split_from_latin_words() -> None:
    assert words(fold("トヨタはNRWに")) == ["トヨタは", "nrw", "に"]


def test_japanese_terms_keep_content_and_drop_grammar() -> None:
    terms = japanese_terms("日本企業は何社ありますか")
    assert "企業" in terms and "何社" in terms
    assert not any(t in terms for t in ("ます", "すか", "あり"))


def test_japanese_katakana_run_is_one_term() -> None:
    assert "オフィス" in japanese_terms("オフィスはどこ")


def test_hiragana_question_word_is_kept() -> None:
    assert "いつ" in japanese_terms("セミナーはいつですか")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("companies", "company"),
        ("residents", "resident"),
        ("einwohnern", "einwohner"),
        ("firms", "firm"),
    ],
)
def test_stem_joins_inflections(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_fold_caps_huge_input() -> None:
    assert len(fold("a" * 100_000)) <= MAX_QUESTION_CHARS * 2


@pytest.mark.parametrize(
    ("a", "b", "language"),
    [
        ("companies", "company", "en"),
        ("organised", "organising", "en"),
        ("attended", "attendance", "en"),
        ("japanischen", "japanische", "de"),
        ("Unternehmens", "Unternehmen", "de"),
        ("Öffnungszeiten", "Oeffnungszeit", "de"),
        ("Gebühren", "Gebuhr", "de"),
    ],
)
def test_snowball_stems_join_inflections_in_their_language(a: str, b: str, language: str) -> None:
    assert stem(fold(a), language) == stem(fold(b), language)


def test_the_host_of_an_event_is_not_the_event() -> None:
    assert stem(fold("Veranstalter"), "de") != stem(fold("Veranstaltung"), "de")


def test_short_words_are_not_stemmed() -> None:
    assert stem("news", "en") == "news" and stem("was", "de") == "was"
