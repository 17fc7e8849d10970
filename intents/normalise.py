"""Text normalisation shared by the index and the questions, so both sides fold alike.

``fold`` maps the many ways of writing the same thing onto one string: Unicode NFKC
(full-width forms become ASCII, half-width katakana becomes full-width), case folding,
German umlauts as their two-letter spellings, other accents dropped, and the spellings
of Düsseldorf. ``words`` splits folded text into runs of Latin letters/digits and runs
of Japanese script; ``terms`` turns words into the tokens the index compares: light
stems for Latin words, character bigrams for Japanese (which has no word spaces).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Work is capped: a question longer than this is cut before matching.
MAX_QUESTION_CHARS = 400

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics -> their base letter (umlauts are folded before)."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[:1]
        if base.isascii() and base.isalpha() and base != char:
            table[code] = base.lower()
    return table


_ACCENTS = _accent_table()

# Düsseldorf is written "Dusseldorf" in English and misspelled in many ways.
_DUESSELDORF = re.compile(r"\bd(?:ue|u|ü)e?s{1,2}e?l{1,2}d(?:oe|o)r+f+\b")
# "R&D" / "F&E" would otherwise fall apart into single letters.
_AMPERSAND_WORDS = {"r&d": " research development ", "f&e": " forschung entwicklung "}
_AMPERSAND = re.compile(r"\b(?:r&d|f&e)\b")

_JAPANESE_CHARS = "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u31f0-\u31ff"
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff]")
_JAPANESE = re.compile(f"[{_JAPANESE_CHARS}]")
# A word is a run of Japanese script, or a run of any other letters and digits.
_WORD = re.compile(f"[{_JAPANESE_CHARS}]+|[^\\W_{_JAPANESE_CHARS}]+")


def fold(text: str, limit: int | None = MAX_QUESTION_CHARS * 2) -> str:
    """Fold a text for comparison; punctuation is kept (``words`` drops it)."""
    if limit is not None:
        text = text[:limit]
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = text.translate(_UMLAUTS).translate(_ACCENTS)
    if "&" in text:
        text = _AMPERSAND.sub(lambda m: _AMPERSAND_WORDS[m.group(0)], text)
    if "dor" in text:
        text = _DUESSELDORF.sub("duesseldorf", text)
    return text


def is_japanese_word(word: str) -> bool:
    return bool(_JAPANESE.match(word))


def has_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None


def has_kana(text: str) -> bool:
    return _KANA.search(text) is not None


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def words(folded: str) -> list[str]:
    """Latin words and Japanese runs of a folded text, in order, punctuation dropped."""
    if folded.isascii():
        return _ASCII_WORD.findall(folded)  # the common case, and much faster
    return _WORD.findall(folded)


def bigrams(run: str) -> list[str]:
    """Character bigrams of a run (a single character stays whole)."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


_SCRIPT_RUN = re.compile(
    "(?P<kanji>[\u3005\u3006\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    "|(?P<katakana>[\u30a0-\u30ff\u31f0-\u31ff]+)"
    "|(?P<hiragana>[\u3040-\u309f]+)"
)


_HIRAGANA_QUESTION_WORDS = (
    "いつ",
    "どこ",
    "だれ",
    "なに",
    "いくつ",
    "いくら",
    "どのくらい",
    "どれくらい",
    "なぜ",
)


def japanese_terms(run: str) -> list[str]:
    """Terms of a run of Japanese text, which has no word spaces.

    Bigrams are taken within one script only: kanji bigrams carry the content
    ("企業", "何社") and a katakana run is mostly one loanword ("オフィス"). Bigrams
    across a script change
    ("社く" in "何社くらい") would only add noise.  Hiragana bigrams would match on
    grammar ("ます", "ている"), so only question words written in hiragana are kept.
    """
    terms: list[str] = []
    for match in _SCRIPT_RUN.finditer(run):
        segment = match.group(0)
        if match.lastgroup == "katakana":
            terms.append(segment)
        elif match.lastgroup == "kanji":
            terms.extend(bigrams(segment))
        else:
            # Hiragana is grammar, except the question words written in it.
            terms.extend(w for w in _HIRAGANA_QUESTION_WORDS if w in segment)
    return terms


def is_kana_only(term: str) -> bool:
    return all("\u3040" <= ch <= "\u309f" for ch in term)


# Light suffix stripping, the same for English and German: enough to make
# "companies"/"company", "Japaner"/"Japan", "Einwohnern"/"Einwohner" meet.
_SUFFIXES = (
    ("ies", "y"),
    ("ungen", "ung"),
    ("innen", ""),
    ("ern", ""),
    ("ing", ""),
    ("en", ""),
    ("er", ""),
    ("es", ""),
    ("ed", ""),
    ("s", ""),
    ("e", ""),
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if len(word) <= 4 or not word.isascii() or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 4:
            return word[: len(word) - len(suffix)] + replacement
    return word
