"""The bot's own fixed sentences, per language (``data/texts.yaml``); English stands in for any
other language. Language names come from CLDR through Babel, in the reply's language.

Everything the bot says that is not an answer on file comes from here, so a translator
finds it in one place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError

from knowledge import Language

FALLBACK_LANGUAGE = "en"
DATA = Path(__file__).with_name("data") / "texts.yaml"


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        return {key: dict(values) for key, values in yaml.safe_load(handle).items()}


def text(key: str, language: Language, **values: str) -> str:
    by_language = _texts()[key]
    template = by_language.get(language, by_language[FALLBACK_LANGUAGE])
    return template.format(**values) if values else template


@lru_cache(maxsize=64)
def language_name(language: Language, in_language: Language) -> str:
    """The name of ``language`` written in ``in_language`` ("German", "Deutsch", "ドイツ語")."""
    try:
        name = Locale.parse(in_language).languages.get(language)
    except (UnknownLocaleError, ValueError):
        name = None
    return name or language
