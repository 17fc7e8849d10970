"""What the bot itself says (greeting, help, headers, notices, admin reports), in English,
German and Japanese: ``data/texts.yaml``, read by the one catalogue loader
(``intents.texts.Catalogue``, which documents the layout).

Answers come from the knowledge base; only the frame around them lives here. Every text is
plain text with ``{name}`` fields: the renderer escapes it like any other dynamic text. A
language without a translation reads English.
"""

from __future__ import annotations

from pathlib import Path

from intents.texts import LANGUAGES, Catalogue

UI_LANGUAGES = LANGUAGES
TEXTS = Catalogue(Path(__file__).with_name("data") / "texts.yaml")
text = TEXTS.text


def topic_name(topic: str, language: str | None) -> str:
    """The label of a topic of the shipped base (``topic.ID``); any other topic as written."""
    key = f"topic.{topic}"
    return text(key, language) if key in TEXTS else topic


def command_description(command: str, language: str | None) -> str:
    """A public command's line in the command menu (``command.NAME``)."""
    return text(f"command.{command}", language)
