"""Each way a base can be broken is refused with the right reason, file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from knowledge.loader import check_knowledge, load_knowledge
from knowledge.model import KnowledgeError
from tests.knowledge.conftest import MiniBase


@dataclass(frozen=True)
class Broken:
    patch: Callable[[MiniBase], object]
    file: str  # where the problem must be reported
    at: str | int  # the text on the reported line (looked up after patching), or a line number
    message: str  # a fragment of the reason
    nth: int = 1  # which line holding ``at`` is meant


def _replace(name: str, old: str, new: str) -> Callable[[MiniBase], None]:
    return lambda base: base.replace(name, old, new)


ENTRIES = "entries/main.yaml"

BROKEN = {
    "yaml syntax error": Broken(
        _replace("facts.yaml", "qualifier: over", "qualifier: over: more"),
        "facts.yaml",
        "qualifier: over: more",
        "YAML syntax error: mapping values are not allowed",
    ),
    "wrong type": Broken(
        _replace("facts.yaml", "unit: residents", "unit: 384"),
        "facts.yaml",
        "unit: 384",
        "fact 'residents': unit: must be text, not a number (384) (put it in quotes)",
    ),
    "wrong type of a list": Broken(
        _replace(ENTRIES, "related: [companies]", "related: companies"),
        ENTRIES,
        "related: companies",
        "entry 'residents': related: must be a list of ids, not text",
    ),
    "unknown key": Broken(
        _replace(ENTRIES, "    topic: figures", "    topik: figures"),
        ENTRIES,
        "topik: figures",
        "entry 'residents': unknown key 'topik'",
    ),
    "unknown top-level key": Broken(
        _replace("quotes.yaml", "quotes:", "quote:"),
        "quotes.yaml",
        "quote:",
        "unknown top-level key 'quote'",
    ),
    "missing required key": Broken(
        _replace(
            "facts.yaml",
            "    excerpt: Alleine in Beispielstadt haben 56 japanische Unternehmen ihren Sitz.\n",
            "",
        ),
        "facts.yaml",
        "- id: companies",
        "fact 'companies': missing required key 'excerpt'",
    ),
    "base language missing in a statement": Broken(
        _replace("facts.yaml", "      de: In Beispielstadt leben über 1.234 Japaner.\n", ""),
        "facts.yaml",
        "statement:",
        "fact 'residents': statement: missing language de",
    ),
    "base language missing in an answer": Broken(
        _replace(ENTRIES, '      de: "In Beispielstadt leben {value:residents} Japaner."\n', ""),
        ENTRIES,
        "answer:",
        "entry 'residents': answer: missing language de",
    ),
    "base language missing in the questions": Broken(
        _replace(ENTRIES, "      de:\n        - Wie viele Japaner leben in Beispielstadt?\n", ""),
        ENTRIES,
        "questions:",
        "entry 'residents': questions: missing language de",
    ),
    "language not declared by the base": Broken(
        _replace(
            ENTRIES, "      de: [Was sagte die Bürgermeisterin?]", "      fr: [Qu'a dit la maire ?]"
        ),
        ENTRIES,
        "fr: [Qu'a dit la maire ?]",
        "language 'fr' is not one of the base languages (en, de)",
    ),
    "empty question list": Broken(
        _replace(
            ENTRIES,
            "de: [Wie viele japanische Firmen gibt es in Beispielstadt?]",
            "de: []",
        ),
        ENTRIES,
        "de: []",
        "entry 'companies': questions: de: must not be an empty list",
    ),
    "empty question": Broken(
        _replace(ENTRIES, "en: [What did the mayor say?]", "en: ['What did the mayor say?', '  ']"),
        ENTRIES,
        "en: ['What did the mayor say?', '  ']",
        "entry 'mayor': questions: en: item 2: must not be empty",
    ),
    "duplicate id": Broken(
        _replace(ENTRIES, "  - id: mayor", "  - id: residents"),
        ENTRIES,
        "- id: residents",
        "duplicate entry id 'residents' (first defined at entries/main.yaml:2)",
        nth=2,
    ),
    "fact of an entry missing": Broken(
        _replace(ENTRIES, "facts: [companies]", "facts: [company]"),
        ENTRIES,
        "facts: [company]",
        "entry 'companies': facts: no fact with id 'company'",
    ),
    "related entry missing": Broken(
        _replace(ENTRIES, "related: [residents]", "related: [resident]"),
        ENTRIES,
        "related: [resident]",
        "entry 'companies': related: no related entry with id 'resident'",
    ),
    "speaker entity missing": Broken(
        _replace("quotes.yaml", "speaker: anna-muster", "speaker: anna"),
        "quotes.yaml",
        "speaker: anna",
        "quote 'quote-muster': speaker: no entity with id 'anna'",
    ),
    "speaker is not a person": Broken(
        _replace("quotes.yaml", "speaker: anna-muster", "speaker: beispielstadt"),
        "quotes.yaml",
        "speaker: beispielstadt",
        "quote 'quote-muster': speaker: 'beispielstadt' is not a person",
    ),
    "source missing": Broken(
        _replace(
            "facts.yaml", "    value: 56\n    source: release", "    value: 56\n    source: relase"
        ),
        "facts.yaml",
        "source: relase",
        "fact 'companies': source: no source with id 'relase'",
    ),
    "entity of an entry missing": Broken(
        _replace(ENTRIES, "entities: [anna-muster]", "entities: [anna-musterr]"),
        ENTRIES,
        "entities: [anna-musterr]",
        "entry 'mayor': entities: no entity with id 'anna-musterr'",
    ),
    "scope is not a place": Broken(
        _replace("facts.yaml", "scope: beispielstadt", "scope: anna-muster"),
        "facts.yaml",
        "scope: anna-muster",
        "fact 'residents': scope: 'anna-muster' is not a place",
    ),
    "a stray brace in an answer": Broken(
        _replace(ENTRIES, '"{value:residents} Japanese', '"{value:residents Japanese'),
        ENTRIES,
        "{value:residents Japanese",
        "answer (en): a brace that is not part of a placeholder",
    ),
    "placeholder naming a missing id": Broken(
        _replace(ENTRIES, '"{value:residents} Japanese', '"{value:resident} Japanese'),
        ENTRIES,
        "{value:resident} Japanese",
        "answer (en): {value:resident} names no fact with id 'resident'",
    ),
    "unknown placeholder": Broken(
        _replace(ENTRIES, '"{value:residents} Japanese', '"{number:residents} Japanese'),
        ENTRIES,
        "{number:residents} Japanese",
        "answer (en): unknown placeholder {number:residents}",
    ),
    "excerpt not verbatim": Broken(
        _replace(
            "facts.yaml",
            "excerpt: In Beispielstadt leben über 1.234",
            "excerpt: In Beispielstadt leben über 1234",
        ),
        "facts.yaml",
        "excerpt: In Beispielstadt leben über 1234",
        "fact 'residents': excerpt does not occur verbatim in source 'release'",
    ),
    "quote segment not verbatim": Broken(
        _replace(
            "quotes.yaml", "… Wir freuen uns auf neue Partner", "… Wir freuen uns auf Partner"
        ),
        "quotes.yaml",
        "de: Beispielstadt ist ein idealer",
        "text does not occur verbatim in source 'release': 'Wir freuen uns auf Partner'",
    ),
    "typographic quotes are not straight quotes": Broken(
        _replace(
            "entities.yaml", "excerpt: Anna Muster, Bürgermeisterin", "excerpt: 'Partner\", sagte'"
        ),
        "entities.yaml",
        "excerpt: 'Partner\", sagte'",
        "entity 'anna-muster': excerpt does not occur verbatim",
    ),
    "figure in an answer that no cited fact carries": Broken(
        _replace(ENTRIES, "en: 56 Japanese companies", "en: 57 Japanese companies"),
        ENTRIES,
        "en: 57 Japanese companies",
        "entry 'companies': answer (en) states 57, which none of the entry's facts carries",
    ),
    "figure of a fact the entry does not cite": Broken(
        _replace(ENTRIES, "facts: [companies]", "facts: [residents]"),
        ENTRIES,
        "en: 56 Japanese companies",
        "answer (en) states 56, which none of the entry's facts carries",
    ),
    "a fact's value the excerpt does not carry": Broken(
        _replace("facts.yaml", "value: 1234", "value: 1243"),
        "facts.yaml",
        "value: 1243",
        "fact 'residents': value 1243 does not occur in the excerpt",
    ),
    "a figure in a translated statement the excerpt does not carry": Broken(
        _replace("facts.yaml", "en: Over 1,234 Japanese", "en: Over 1,243 Japanese"),
        "facts.yaml",
        "en: Over 1,243 Japanese",
        "fact 'residents': statement (en) states 1243, which neither the excerpt nor the value",
    ),
    "a source title without the source's own language": Broken(
        _replace(
            "sources.yaml",
            "      de: Beispielstadt setzt auf Japan",
            "      en: Beispielstadt bets on Japan",
        ),
        "sources.yaml",
        "title:",
        "source 'release': title: missing the source's own language de",
    ),
    "anchor and alias refused": Broken(
        _replace(ENTRIES, "related: [companies]", "related: &rel [companies]\n    quotes: *rel"),
        ENTRIES,
        "related: &rel",
        "anchor &rel refused: anchors and aliases are not allowed",
    ),
    "python tag refused": Broken(
        _replace(
            "facts.yaml", "unit: residents", "unit: !!python/object/apply:os.system [echo hi]"
        ),
        "facts.yaml",
        "unit: !!python",
        "tag !!python/object/apply:os.system refused",
    ),
    "custom tag refused": Broken(
        _replace("facts.yaml", "unit: residents", "unit: !people residents"),
        "facts.yaml",
        "unit: !people",
        "tag !people refused",
    ),
    "non-UTF-8 file": Broken(
        lambda base: (base.path / "facts.yaml").write_bytes(
            base.text("facts.yaml")
            .replace("über", "\udcfcber", 1)
            .encode("utf-8", "surrogateescape")
        ),
        "facts.yaml",
        "excerpt: In Beispielstadt leben",
        "not UTF-8: invalid byte 0xfc",
    ),
    "a place within a place that is not on file": Broken(
        _replace(
            "entities.yaml",
            "    aliases: [Beispiel-Stadt]",
            "    within: musterland\n    aliases: [Beispiel-Stadt]",
        ),
        "entities.yaml",
        "within: musterland",
        "within: no entity with id 'musterland'",
    ),
    "a place within a person": Broken(
        _replace(
            "entities.yaml",
            "    aliases: [Beispiel-Stadt]",
            "    within: anna-muster\n    aliases: [Beispiel-Stadt]",
        ),
        "entities.yaml",
        "within: anna-muster",
        "within: 'anna-muster' is not a place",
    ),
    "a person within a place": Broken(
        _replace(
            "entities.yaml", "    kind: person\n", "    kind: person\n    within: beispielstadt\n"
        ),
        "entities.yaml",
        "within: beispielstadt",
        "within: only a place lies within another place",
    ),
    "a place within itself": Broken(
        _replace(
            "entities.yaml",
            "    aliases: [Beispiel-Stadt]",
            "    within: beispielstadt\n    aliases: [Beispiel-Stadt]",
        ),
        "entities.yaml",
        "within: beispielstadt",
        "within: 'beispielstadt' would lie within itself",
    ),
    "missing base manifest": Broken(
        lambda base: (base.path / "base.yaml").unlink(),
        ".",
        0,
        "no file holds the base manifest",
    ),
    "missing source file": Broken(
        lambda base: (base.path / "source.de.txt").unlink(),
        "sources.yaml",
        "file: source.de.txt",
        "source 'release': file 'source.de.txt' does not exist",
    ),
    "source file outside the base": Broken(
        _replace("sources.yaml", "file: source.de.txt", "file: ../../etc/passwd"),
        "sources.yaml",
        "file: ../../etc/passwd",
        "is outside the base directory",
    ),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_base_is_refused_with_file_line_and_reason(
    minibase: MiniBase, case: Broken
) -> None:
    case.patch(minibase)
    line = case.at if isinstance(case.at, int) else minibase.line_of(case.file, case.at, case.nth)
    errors = minibase.errors()
    matching = [e for e in errors if case.message in e.message]
    assert matching, f"no error says {case.message!r}; got:\n" + "\n".join(map(str, errors))
    assert (matching[0].file, matching[0].line) == (case.file, line), str(matching[0])


def test_an_oversized_file_is_refused_before_it_is_parsed(minibase: MiniBase) -> None:
    minibase.write("entries/big.yaml", "entries:\n" + "# padding\n" * 200)
    base, problems = check_knowledge(minibase.path, max_file_bytes=1000)
    assert base is None
    assert [(p.file, p.line) for p in problems if "more than the limit of 1000" in p.message] == [
        ("entries/big.yaml", 1)
    ]


def test_an_alias_bomb_is_refused_without_expanding(minibase: MiniBase) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    minibase.write("bomb.yaml", "\n".join(bomb) + "\n")
    errors = minibase.errors()
    refused = [e for e in errors if e.file == "bomb.yaml"]
    assert refused and all("anchors and aliases are not allowed" in e.message for e in refused)
    assert refused[0].line == 1


def test_every_problem_is_reported_at_once(minibase: MiniBase) -> None:
    minibase.replace("facts.yaml", "unit: residents", "unit: 384")
    minibase.replace(ENTRIES, "related: [residents]", "related: [resident]")
    minibase.replace("quotes.yaml", "speaker: anna-muster", "speaker: anna")
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(minibase.path)
    files = {p.file for p in refused.value.problems}
    assert files == {"facts.yaml", ENTRIES, "quotes.yaml"}
    assert all(p.severity == "error" for p in refused.value.problems)


def test_whitespace_may_differ_in_an_excerpt(minibase: MiniBase) -> None:
    minibase.replace(
        "facts.yaml",
        "excerpt: Alleine in Beispielstadt haben 56 japanische Unternehmen ihren Sitz.",
        "excerpt: >-\n      Alleine in   Beispielstadt\n"
        "      haben 56 japanische\tUnternehmen ihren Sitz.",
    )
    # The source breaks its line after "Sitz." and the quote's first segment spans a line break.
    minibase.replace(
        "entities.yaml", "excerpt: Anna Muster, Bürgermeisterin", "excerpt: sagte Anna Muster,"
    )
    kb = load_knowledge(minibase.path)
    assert "Alleine in   Beispielstadt" in kb.facts["companies"].evidence.excerpt


def test_a_figure_written_as_a_placeholder_or_in_any_spelling_passes(minibase: MiniBase) -> None:
    # "{value:...}" is filled from the fact; "1.234" and "1,234" are the figure 1234.
    minibase.replace(
        ENTRIES,
        '"{value:residents} Japanese live in Beispielstadt."',
        '"{value:residents} (1,234 or more) Japanese live in Beispielstadt, see https://x.example/99."',
    )
    minibase.replace(
        ENTRIES, '"In Beispielstadt leben {value:residents} Japaner."', '"Über 1.234 Japaner."'
    )
    kb = load_knowledge(minibase.path)
    assert kb.entries["residents"].facts == ("residents",)


def test_a_value_placeholder_needs_a_fact_with_a_value(minibase: MiniBase) -> None:
    minibase.replace("facts.yaml", "  - id: companies\n    value: 56\n", "  - id: companies\n")
    minibase.replace(
        ENTRIES, "en: 56 Japanese companies", 'en: "{value:companies} Japanese companies'
    )
    minibase.replace(
        ENTRIES, "have their seat in Beispielstadt.\n", 'have their seat in Beispielstadt."\n'
    )
    errors = minibase.errors()
    assert [(e.file, e.line) for e in errors if "fact 'companies' has no value" in e.message] == [
        (ENTRIES, minibase.line_of(ENTRIES, "{value:companies}"))
    ]
