"""A small one-language (English) base written into a directory, for tests that need a
base other than the shipped one: plain entries without facts, one fact with a figure."""

from __future__ import annotations

import json
from pathlib import Path

SOURCE_TEXT = "Harbour Town welcomes investors\n\nIn Harbour Town there are 42 ferries a day.\n"

# An entry that shares no words with the others: each base has one, so nothing is alone.
PARKING_ENTRY = """  - id: parking
    questions:
      en:
        - Where can I park my car?
        - car parking near the harbour
        - is there a parking garage
    answer:
      en: The harbour garage is open day and night.
"""

FILES = {
    "base.yaml": """base:
  title: Harbour Town FAQ
  languages: [en]
""",
    "sources.yaml": """sources:
  - id: leaflet
    file: leaflet.en.txt
    language: en
    date: 2020-05-01
    place: Harbour Town
    publishers: [Harbour Town]
    title:
      en: Harbour Town welcomes investors
    citation:
      en: Leaflet, Harbour Town, May 2020
""",
    "facts.yaml": """facts:
  - id: ferries
    value: 42
    unit: ferries
    as_of: 2020-05
    source: leaflet
    excerpt: In Harbour Town there are 42 ferries a day.
    statement:
      en: There are 42 ferries a day in Harbour Town.
""",
    "entries.yaml": """entries:
  - id: ferries
    questions:
      en:
        - How many ferries leave Harbour Town every day?
        - number of daily ferries
        - ferry connections per day
    answer:
      en: "There are {value:ferries} ferries a day."
    facts: [ferries]
    related: [contact]
  - id: contact
    questions:
      en:
        - How can I contact the investment office?
        - office phone number
        - who do I call about investing
    answer:
      en: Write to the investment office at the town hall.
"""
    + PARKING_ENTRY,
}


def write_small_base(directory: Path, files: dict[str, str] = FILES) -> Path:
    """The small base (or ``files``, with the same leaflet as source) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    (directory / "leaflet.en.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    return directory


def write_plain_base(
    directory: Path, languages: list[str], entries: dict[str, tuple[dict[str, list[str]], str]]
) -> Path:
    """A base of plain entries: id -> ({language: questions}, answer in every language)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "base.yaml").write_text(
        f"base:\n  title: Test base\n  languages: [{', '.join(languages)}]\n", encoding="utf-8"
    )
    lines = ["entries:"]
    for entry_id, (questions, answer) in entries.items():
        lines += [f"  - id: {entry_id}", "    questions:"]
        for language, phrasings in questions.items():
            lines.append(f"      {language}:")
            lines += [f"        - {json.dumps(q, ensure_ascii=False)}" for q in phrasings]
        lines.append("    answer:")
        written = json.dumps(answer, ensure_ascii=False)
        lines += [f"      {language}: {written}" for language in languages]
    (directory / "entries.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


# A county and a town that the base says lies within it: one entry states no number about
# the county, one counts something in the county.
REGION_FILES = {
    "base.yaml": FILES["base.yaml"],
    "sources.yaml": FILES["sources.yaml"],
    "facts.yaml": """facts:
  - id: county-ferries
    value: 42
    unit: ferries
    as_of: 2020-05
    scope: harbour-county
    source: leaflet
    excerpt: In Harbour Town there are 42 ferries a day.
    statement:
      en: There are 42 ferries a day in Harbour County.
""",
    "entities.yaml": """entities:
  - id: harbour-county
    kind: place
    name: {en: Harbour County}
  - id: harbour-town
    kind: place
    within: harbour-county
    name: {en: Harbour Town}
""",
    "entries.yaml": """entries:
  - id: county-workers
    questions:
      en:
        - Can we hire skilled workers in Harbour County?
        - skilled staff in harbour county
        - is it easy to recruit engineers in Harbour County
        - labour market of harbour county
    answer:
      en: Harbour County trains many engineers in its colleges.
  - id: county-ferries
    questions:
      en:
        - How many ferries run in Harbour County every day?
        - number of ferries in harbour county
        - daily ferry connections in Harbour County
    answer:
      en: "There are {value:county-ferries} ferries a day."
    facts: [county-ferries]
"""
    + PARKING_ENTRY,
}


def write_region_base(directory: Path) -> Path:
    return write_small_base(directory, REGION_FILES)
