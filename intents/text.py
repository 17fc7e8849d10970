"""Text folding and splitting shared by the base's phrasings and the questions.

``fold`` maps the many ways of typing the same thing onto one string: Unicode NFKC
(full-width forms become ASCII, half-width katakana full-width), case folding, Latin
accents dropped ("Zürich" and "Zurich" fold alike; "Zuerich" stays apart and
is left to the character n-grams and the base's own aliases). ``words`` splits folded text
into Latin words and runs of kanji and kana; ``stem`` is Snowball's stemmer of a language
(the algorithm every search engine uses), identity where there is none.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Work is capped: a question longer than this is cut before matching. Telegram messages
# run to 4096 characters; a question, chatty introduction included, fits in 400.
MAX_QUESTION_CHARS = 400


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics -> their base letter(s); ß -> ss."""
    table: dict[int, str] = {ord("ß"): "ss", ord("ẞ"): "ss"}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[:1]
        if base.isascii() and base.isalpha() and base != char:
            table[code] = base.lower()
    return table


_ACCENTS = _accent_table()
_CJK_CHARS = "\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u31f0-\u31ff"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_WORD = re.compile(f"[{_CJK_CHARS}]+|[^\\W_{_CJK_CHARS}]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_SPACES = re.compile(r"\s+")
_DOTTED_ACRONYM = re.compile(r"(?<![\w.])(?:[a-z]\.){2,}(?![a-z])")


def fold(text: str, limit: int | None = MAX_QUESTION_CHARS * 2) -> str:
    """Fold a text for comparison; punctuation is kept (``words`` drops it)."""
    if limit is not None:
        text = text[:limit]
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii():
        text = text.translate(_ACCENTS)
    if "." in text:
        # "u.s.a." and "e.u." are the acronyms "usa" and "eu"
        text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    return _SPACES.sub(" ", text).strip()


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def is_cjk_word(word: str) -> bool:
    return bool(_CJK.match(word))


def words(folded: str) -> list[str]:
    """Latin words and kanji/kana runs of a folded text, in order, punctuation dropped."""
    if folded.isascii():
        return _ASCII_WORD.findall(folded)
    return _WORD.findall(folded)


# Text in kanji and kana has no spaces; runs of one script are a usable stand-in for words: kanji
# compounds (企業, 投資), katakana loanwords (デュッセルドルフ) and the hiragana between
# them (particles and endings).
_SCRIPT_RUN = re.compile(
    r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006]+|[\u30a0-\u30ff\u31f0-\u31ff]+"
    r"|[\u3040-\u309f]+"
)


def terms(folded: str) -> list[str]:
    """Words of a folded text, kanji/kana runs cut where the script changes."""
    found: list[str] = []
    for word in words(folded):
        if is_cjk_word(word):
            found += _SCRIPT_RUN.findall(word)
        else:
            found.append(word)
    return found


_STEMMER_NAMES = {"en": "english", "de": "german"}


@lru_cache(maxsize=8)
def _stemmer(language: str) -> snowballstemmer.stemmer | None:
    name = _STEMMER_NAMES.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=65536)
def stem(word: str, language: str | None) -> str:
    """Snowball stem of a folded word in ``language``; kanji/kana and unknown: the word."""
    if language is None or is_cjk_word(word) or word.isdigit():
        return word
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word
