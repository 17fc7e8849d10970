"""A tiny knowledge base written into a temporary directory, in two versions and a broken one.

Version "a" and version "b" answer the same question differently and cite differently named
sources, so a test can tell which base any reply came from. Writing it from here keeps the
bot tests independent of the shipped base and quick to load.
"""

from __future__ import annotations

from pathlib import Path

QUESTION = "How many Japanese live in Sampleton?"
NEW_QUESTION = "When is the trade fair?"  # only version "b" answers it ...
NEW_ANSWER = "5 October"  # ... with this

_SOURCE_TEXT = """Sampleton setzt auf Japan

Tokyo, 13. September 2017 – In Sampleton leben 1.234 Japaner.
Alleine in Sampleton haben 56 japanische Unternehmen ihren Sitz.
Die Messe Digital findet am 5. Oktober statt.
"""

_BASE = """base:
  title: Sampleton for tests
  languages: [en, de]
"""

_SOURCES = """sources:
  - id: release
    file: source.de.txt
    language: de
    date: 2017-09-13
    place: Tokyo
    publishers: [Sampleton]
    title:
      de: Sampleton setzt auf Japan
    citation:
      en: Press release {tag}
      de: Pressemitteilung {tag}
"""

_FACTS = """facts:
  - id: residents
    value: 1234
    unit: residents
    source: release
    excerpt: In Sampleton leben 1.234 Japaner.
    statement:
      en: 1,234 Japanese live in Sampleton.
      de: In Sampleton leben 1.234 Japaner.
  - id: companies
    value: 56
    unit: companies
    source: release
    excerpt: Alleine in Sampleton haben 56 japanische Unternehmen ihren Sitz.
    statement:
      en: 56 Japanese companies have their seat in Sampleton.
      de: In Sampleton haben 56 japanische Unternehmen ihren Sitz.
  - id: trade-fair
    source: release
    excerpt: Die Messe Digital findet am 5. Oktober statt.
    statement:
      en: The trade fair Messe Digital takes place on 5 October.
      de: Die Messe Digital findet am 5. Oktober statt.
"""

_RESIDENTS = {
    "a": """  - id: residents
    questions:
      en: [How many Japanese live in Sampleton?, Japanese residents of Sampleton]
      de: [Wie viele Japaner leben in Sampleton?]
    answer:
      en: "{value:residents} Japanese live in Sampleton."
      de: "In Sampleton leben {value:residents} Japaner."
    facts: [residents]
""",
    "b": """  - id: residents
    questions:
      en: [How many Japanese live in Sampleton?, Japanese residents of Sampleton]
      de: [Wie viele Japaner leben in Sampleton?]
    answer:
      en: "Sampleton is home to {value:residents} Japanese."
      de: "Sampleton ist die Heimat von {value:residents} Japanern."
    facts: [residents]
""",
}

_TRADE_FAIR = """  - id: trade-fair
    questions:
      en: [When is the trade fair?, Date of the Messe Digital]
      de: [Wann ist die Messe?]
    answer:
      en: "{fact:trade-fair}"
      de: "{fact:trade-fair}"
"""

_BROKEN = """  - id: broken
    questions:
      en: [What is broken?]
      de: [Was ist kaputt?]
    answer:
      en: "{value:no-such-fact} things."
      de: "{value:no-such-fact} Dinge."
"""


def write_base(directory: Path, version: str = "a", *, broken: bool = False) -> Path:
    """Write (or overwrite) the base in ``directory``: version "a" (one entry), "b" (two)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "base.yaml").write_text(_BASE, encoding="utf-8")
    (directory / "sources.yaml").write_text(_SOURCES.format(tag=version.upper()), encoding="utf-8")
    (directory / "source.de.txt").write_text(_SOURCE_TEXT, encoding="utf-8")
    (directory / "facts.yaml").write_text(_FACTS, encoding="utf-8")
    entries = "entries:\n" + _RESIDENTS[version] + (_TRADE_FAIR if version == "b" else "")
    if broken:
        entries += _BROKEN
    (directory / "entries.yaml").write_text(entries, encoding="utf-8")
    return directory
