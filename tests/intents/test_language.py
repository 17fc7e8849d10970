import pytest

from intents.language import LanguageDetector
from intents.text import fold, words


def guess(detector: LanguageDetector, text: str) -> str | None:
    return detector.guess(text, words(fold(text)))


@pytest.fixture
def detector() -> LanguageDetector:
    return LanguageDetector(("en", "de", "ja"))


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("How many Japanese companies are in Düsseldorf?", "en"),
        ("Wie viele japanische Unternehmen gibt es in Düsseldorf?", "de"),
        ("デュッセルドルフには日本企業が何社ありますか？", "ja"),
        ("NRWでは？", "ja"),
        ("und in Düsseldorf?", "de"),
        ("what about residents?", "en"),
    ],
)
def test_guess(detector: LanguageDetector, question: str, language: str) -> None:
    assert guess(detector, question) == language


@pytest.mark.parametrize("question", ["NRW?", "Toyota", "384"])
def test_names_alone_are_ambiguous(detector: LanguageDetector, question: str) -> None:
    assert guess(detector, question) is None


def test_ambiguous_falls_back_to_hint_then_english(detector: LanguageDetector) -> None:
    assert detector.choose(None, "de") == "de"
    assert detector.choose(None, None, "ja-JP") == "ja"
    assert detector.choose(None) == "en"


def test_hint_outside_the_base_is_ignored(detector: LanguageDetector) -> None:
    assert detector.choose(None, "fr") == "en"


def test_reply_language_is_always_one_of_the_base() -> None:
    german_only = LanguageDetector(("de",))
    assert german_only.choose("en") == "de"
    assert german_only.choose("ja", "en") == "de"


def test_base_words_tell_languages_apart() -> None:
    detector = LanguageDetector(("en", "de"), {"en": {"ferry"}, "de": {fold("Fähre")}})
    assert guess(detector, "Fähre") == "de"
    assert guess(detector, "ferry") == "en"
