"""Which language a question is in, restricted to the languages the base can answer in.

Kanji or kana means the ja language. English versus German is told from the words: marker
words of each language, umlauts and ß, and the words the base's own phrasings use in
only one language. A question that fits either ("Ohio?") is ambiguous and falls back to
the hint (the chat's earlier language or the user's Telegram language), then English,
then the base's default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from intents.cues import cues
from intents.text import has_cjk, is_cjk_word
from knowledge import Language

_GERMAN_LETTERS = re.compile("[äöüßÄÖÜẞ]")


class LanguageDetector:
    def __init__(
        self,
        languages: tuple[Language, ...],
        vocabulary: Mapping[Language, Iterable[str]] | None = None,
    ) -> None:
        self.languages = languages
        # Words the base uses in exactly one of its languages tell that language.
        owners: dict[str, set[Language]] = {}
        for language, words in (vocabulary or {}).items():
            for w in words:
                owners.setdefault(w, set()).add(language)
        base_words = {w: next(iter(ls)) for w, ls in owners.items() if len(ls) == 1}
        # What each telling word adds to its languages' scores, looked up once per word.
        votes: dict[str, list[tuple[Language, float]]] = {}
        for language, table in cues().items():
            markers = table.markers
            for w in markers:
                votes.setdefault(w, []).append((language, 1.0))
        for w, owner in base_words.items():
            if len(w) > 2 and not is_cjk_word(w):
                votes.setdefault(w, []).append((owner, 0.5))
        self._votes = {w: tuple(v) for w, v in votes.items() if not is_cjk_word(w)}

    def guess(self, original: str, words: Iterable[str]) -> Language | None:
        """The language the text is written in, or None when it could be either."""
        if has_cjk(original):  # kana and kanji alike
            return "ja"
        scores: dict[Language, float] = {}
        if "de" in self.languages and _GERMAN_LETTERS.search(original):
            scores["de"] = 1.0  # ä, ö, ü and ß are German's own letters
        votes = self._votes
        for w in words:
            for language, weight in votes.get(w, ()):
                scores[language] = scores.get(language, 0.0) + weight
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def choose(self, guessed: Language | None, *hints: Language | None) -> Language:
        """The reply language: the question's own if the base has it, else the hints."""
        if guessed in self.languages:
            return guessed  # type: ignore[return-value]
        for hint in hints:
            if hint:
                short = hint.split("-")[0].split("_")[0].lower()
                if short in self.languages:
                    return short
        if guessed is None and "en" in self.languages:
            return "en"
        return self.languages[0]
