"""Text normalisation shared by the index and the questions, so both sides fold alike.

``fold`` maps the many ways of writing the same thing onto one string: Unicode NFKC
(full-width forms become ASCII, half-width katakana becomes full-width), case folding,
German umlauts as their two-letter spellings, other accents dropped, and the spellings
of Düsseldorf. ``words`` splits folded text into runs of Latin letters/digits and runs
of Japanese script; ``stem`` gives Snowball stems in a text's language (a light
suffix stripper where there is none), ``japanese_terms`` character bigrams for Japanese
(which has no word spaces).
"""

from __future__ import annotations

import re
import unicodedata

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
    "どんな",
    "どのような",
    "どういう",
)
# Question words that ask the same: one term for each group.
_HIRAGANA_SAME = {"どのような": "どんな", "どういう": "どんな", "どれくらい": "どのくらい"}


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
            terms.extend(_HIRAGANA_SAME.get(w, w) for w in _HIRAGANA_QUESTION_WORDS if w in segment)
    return terms


def is_hiragana_only(term: str) -> bool:
    return all("\u3040" <= ch <= "\u309f" for ch in term)


# Light suffix stripping, the same for every language: the fallback for text whose
# language is not known or has no Snowball stemmer ("companies"/"company",
# "Einwohnern"/"Einwohner" meet).
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


def light_stem(word: str) -> str:
    if len(word) <= 4 or not word.isascii() or not word.isalpha():
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) + len(replacement) >= 4:
            return word[: len(word) - len(suffix)] + replacement
    return word


# Snowball stemmers (the PyStemmer C extension when installed, else the pure-Python
# snowballstemmer) for the languages a base may declare. German Snowball reads "ae",
# "oe", "ue" as umlauts, so folded text stems like the original.
_SNOWBALL_NAMES = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "sv": "swedish",
    "da": "danish",
    "no": "norwegian",
    "fi": "finnish",
}
try:  # pragma: no cover - which implementation is installed depends on the machine
    import snowballstemmer as _snowball
except ImportError:  # pragma: no cover
    _snowball = None

# Where Snowball joins words that questions keep apart: German "Veranstalter" (host)
# and "Veranstaltung" (event) share the stem "veranstalt".
_STEM_EXCEPTIONS: dict[str, dict[str, str]] = {
    "de": {
        "veranstalter": "veranstalter",
        "veranstalterin": "veranstalter",
        "veranstaltet": "veranstalter",
        "veranstalteten": "veranstalter",
        "veranstaltete": "veranstalter",
    },
}
_STEMMERS: dict[str, object] = {}
_STEM_CACHE: dict[tuple[str | None, str], str] = {}
# Short words stay whole: Snowball would make "news"/"new" or "was"/"wa" meet.
_MIN_STEM_LEN = 4


def _stemmer(language: str) -> object | None:
    found = _STEMMERS.get(language)
    if found is None and _snowball is not None and language in _SNOWBALL_NAMES:
        found = _STEMMERS[language] = _snowball.stemmer(_SNOWBALL_NAMES[language])
    return found


def stem(word: str, language: str | None = None) -> str:
    """The stem of a folded word in ``language`` (Snowball), or a light stem without one."""
    key = (language, word)
    cached = _STEM_CACHE.get(key)
    if cached is not None:
        return cached
    if len(word) <= _MIN_STEM_LEN - 1 or not word.isalpha() or not word.isascii():
        result = word
    else:
        stemmer = _stemmer(language) if language else None
        exception = _STEM_EXCEPTIONS.get(language or "", {}).get(word)
        if exception is not None:
            result = exception
        elif stemmer is None:
            result = light_stem(word)
        else:
            result = stemmer.stemWord(word) or word  # type: ignore[attr-defined]
    if len(_STEM_CACHE) < 300_000:
        _STEM_CACHE[key] = result
    return result


def has_stemmer(language: str | None) -> bool:
    return bool(language) and _stemmer(language) is not None  # type: ignore[arg-type]
