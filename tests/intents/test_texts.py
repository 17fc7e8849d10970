"""The catalogue loader, and intents/' own sentences: complete, used, in one register."""

from __future__ import annotations

from pathlib import Path

import pytest

import intents
from intents.texts import REPLIES, Catalogue, CatalogueError, placeholders, ui_language
from knowledge.schema import QUALIFIERS
from tests.catalogue_rules import (
    impolite_japanese,
    layout_problems,
    lookups,
    missing,
    register_problems,
    unused,
)

USED = lookups(Path(intents.__file__).parent, frozenset({"text"}))


def catalogue(tmp_path: Path, source: str) -> Catalogue:
    path = tmp_path / "texts.yaml"
    path.write_text(source, encoding="utf-8")
    return Catalogue(path)


GREETING = """\
greeting:
  en: Hello, {name}.
  de: Guten Tag, {name}.
  ja: '{name}様、こんにちは。'
"""


def test_a_text_is_filled_in_its_language_and_english_stands_in_for_others(
    tmp_path: Path,
) -> None:
    texts = catalogue(tmp_path, GREETING)
    assert texts.text("greeting", "de", name="Frau Abe") == "Guten Tag, Frau Abe."
    assert texts.text("greeting", "ja", name="阿部") == "阿部様、こんにちは。"
    assert texts.text("greeting", "fr", name="Abe") == "Hello, Abe."
    assert texts.text("greeting", None, name="Abe") == "Hello, Abe."
    assert ui_language("pt") == "en" and ui_language("ja") == "ja"


@pytest.mark.parametrize("values", [{}, {"nom": "Abe"}, {"name": "Abe", "extra": "x"}])
def test_a_lookup_with_other_values_than_the_placeholders_fails_loudly(
    tmp_path: Path, values: dict[str, str]
) -> None:
    with pytest.raises(KeyError, match="greeting takes name"):
        catalogue(tmp_path, GREETING).text("greeting", "en", **values)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("greeting:\n  en: Hello.\n  de: Hallo.\n", "needs exactly the languages en, de, ja"),
        ("greeting:\n  en: Hi.\n  de: Hallo.\n  ja: やあ。\n  fr: Salut.\n", "exactly the lang"),
        ("greeting:\n  en: Hi {name}.\n  de: Hallo.\n  ja: やあ。\n", "different placeholders"),
        ("greeting:\n  en: '{n:.2f} s'\n  de: '{n} s'\n  ja: '{n}秒'\n", "not of the form {name}"),
        ("greeting:\n  en: '{0} s'\n  de: '{0} s'\n  ja: '{0}秒'\n", "not of the form {name}"),
        ("Greeting:\n  en: Hi.\n  de: Hallo.\n  ja: やあ。\n", "keys are lower-case words"),
        ("greeting:\n  en: 3\n  de: Hallo.\n  ja: やあ。\n", "greeting.en: not a text"),
        ("- just a list\n", "expected key -> {en, de, ja} texts"),
    ],
)
def test_a_catalogue_breaking_the_layout_is_refused_naming_file_and_key(
    tmp_path: Path, source: str, reason: str
) -> None:
    with pytest.raises(CatalogueError, match=reason) as raised:
        list(catalogue(tmp_path, source))
    assert str(tmp_path / "texts.yaml") in str(raised.value)


def test_placeholders_are_named_fields_only() -> None:
    assert placeholders("{count} of {total} ({{literal}})") == {"count", "total"}
    with pytest.raises(ValueError, match="not of the form"):
        placeholders("{value!r}")


def test_every_reply_text_exists_in_every_language_with_the_same_placeholders() -> None:
    assert layout_problems(REPLIES.path) == []
    assert len(REPLIES) > 10  # the loader read it whole


def test_every_key_the_code_looks_up_is_in_the_catalogue() -> None:
    assert missing(REPLIES, USED) == []


def test_every_key_in_the_catalogue_is_looked_up() -> None:
    assert unused(REPLIES, USED) == []


def test_every_qualifier_but_exact_has_its_words() -> None:
    assert {q for q in QUALIFIERS if f"qualifier.{q}" in REPLIES} == set(QUALIFIERS) - {"exact"}


def test_german_says_sie_and_japanese_sentences_end_in_desu_masu() -> None:
    assert register_problems(REPLIES) == []


@pytest.mark.parametrize(
    ("template", "flagged"),
    [
        ("ご質問をどうぞ。", ["ご質問をどうぞ。"]),
        ("手元にない。お答えできません。", ["手元にない。"]),
        ("{date}時点の情報です。例：{example}", []),  # the part after 。 is a label
        ("企業は{companies}です。", []),
        ("失敗しました（問題{count}件）。", []),  # an aside before the stop
        ("回答の言語を選んでください。", []),
        ("発表：{date}、{place}", []),  # no sentence at all
    ],
)
def test_the_japanese_register_check_finds_plain_endings(template: str, flagged: list) -> None:
    assert impolite_japanese(template) == flagged
