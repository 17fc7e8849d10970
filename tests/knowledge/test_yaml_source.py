"""Reading YAML safely: plain values with their lines, and refusals with a reason."""

from __future__ import annotations

from pathlib import Path

from knowledge.yaml_source import YamlMapping, YamlSequence, parse_yaml, read_yaml


def test_values_come_back_plain_with_the_line_of_every_key_value_and_item() -> None:
    parsed = parse_yaml("title: Mini\nlist:\n  - one\n  - 2\nwhen: 2017-09-13\nmonth: 2017-09\n")
    data = parsed.data
    assert parsed.problems == ()
    assert isinstance(data, YamlMapping) and isinstance(data["list"], YamlSequence)
    assert data == {"title": "Mini", "list": ["one", 2], "when": "2017-09-13", "month": "2017-09"}
    assert data.key_line("list") == 2 and data["list"].item_line(1) == 4
    assert data.value_line("when") == 5


def test_yaml_1_1_scalars_are_what_safe_load_gives() -> None:
    data = parse_yaml("a: [yes, ~, 0x1f, 1_000, 1.5, '3', 2017-09-13 10:00:00]").data
    assert data["a"] == [True, None, 31, 1000, 1.5, "3", "2017-09-13T10:00:00"]


def test_a_repeated_key_is_refused_where_it_repeats() -> None:
    parsed = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert parsed.data == {"a": 1, "b": 2}
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "duplicate key 'a' (first on line 1)")
    ]


def test_merge_keys_sets_and_binary_are_refused() -> None:
    parsed = parse_yaml("a: !!set {x: null}\nb: !!binary aGk=\nc:\n  <<: {d: 1}\n")
    reasons = [(p.line, p.message) for p in parsed.problems]
    assert (1, "tag !!set refused: only plain YAML values are allowed (no tags)") in reasons
    assert (2, "tag !!binary refused: only plain YAML values are allowed (no tags)") in reasons
    assert (4, "merge key << refused") in reasons


def test_a_python_tag_is_refused_and_never_constructed() -> None:
    parsed = parse_yaml("x: !!python/object/apply:os.system ['touch /tmp/should-not-exist']\n")
    assert parsed.data == {"x": None}
    assert "tag !!python/object/apply:os.system refused" in parsed.problems[0].message


def test_syntax_errors_name_the_line_and_the_parsers_reason() -> None:
    parsed = parse_yaml("a: one\nb: two\n  c: three\n")
    assert parsed.data is None
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "YAML syntax error: mapping values are not allowed in this context")
    ]
    unclosed = parse_yaml("a: [one,\nb: 2\n")
    assert "(while parsing a flow sequence started on line 1)" in unclosed.problems[0].message


def test_a_file_must_be_utf8_and_the_first_bad_byte_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: ok\nb: Düsseldorf\n".encode("latin-1"))
    read = read_yaml(path)
    assert read.data is None
    assert [(p.line, p.message) for p in read.problems] == [
        (2, "not UTF-8: invalid byte 0xfc at byte 10")
    ]


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: Düsseldorf\n".encode())
    assert read_yaml(path).data == {"a": "Düsseldorf"}


def test_a_file_over_the_size_bound_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 100 + "\n", encoding="utf-8")
    read = read_yaml(path, max_bytes=50)
    assert read.data is None and read.raw == b""
    assert read.problems[0].message == "file is 104 bytes, more than the limit of 50"


def test_a_value_its_tag_cannot_hold_is_a_problem_not_a_crash() -> None:
    parsed = parse_yaml("a: !!timestamp soon\nb: !!bool maybe\nc: !!int many\nd: fine\n")
    assert parsed.data == {"a": None, "b": None, "c": None, "d": "fine"}
    assert [(p.line, p.message) for p in parsed.problems] == [
        (1, "invalid timestamp: 'soon'"),
        (2, "invalid bool: 'maybe'"),
        (3, "invalid int: 'many'"),
    ]


def test_anchors_are_refused_wherever_a_node_can_start() -> None:
    for text in (
        "a: &x 1\n",
        "- &x one\n",
        "a: [one, &x two]\n",
        "a: {b: &x c}\n",
        "a: !!str &x one\n",
        "&x a: 1\n",
        "a:\n  &x\n  b: 1\n",
    ):
        problems = parse_yaml(text).problems
        assert [p.message for p in problems] == [
            "anchor &x refused: anchors and aliases are not allowed"
        ], text


def test_an_ampersand_in_text_is_just_text() -> None:
    parsed = parse_yaml("q: [Where is your R&D?, M & A advice, 'Tom &Jerry']\n")
    assert parsed.problems == ()
    assert parsed.data == {"q": ["Where is your R&D?", "M & A advice", "Tom &Jerry"]}


def test_a_collection_used_as_a_key_is_refused() -> None:
    parsed = parse_yaml("? [a, b]\n: 1\nc: 2\n")
    assert parsed.data == {"c": 2}
    assert [(p.line, p.message) for p in parsed.problems] == [(1, "a key must be a plain value")]


def test_lines_are_exact_in_large_mappings_and_for_keys_that_are_not_text() -> None:
    keys = "".join(f"key{i}: value {i}\n" for i in range(30))
    text = keys + "1: one\n2017-09-13: a date\nlong:\n  - item\n1: again\n"
    parsed = parse_yaml(text)
    data = parsed.data
    assert data.key_line("key0") == 1 and data.key_line("key29") == 30
    assert data.key_line(1) == 31 and data.key_line("2017-09-13") == 32
    assert data.key_line("long") == 33 and data.value_line("long") == 34
    assert data["long"].item_line(0) == 34 and data["long"].line == 34
    assert data.key_line("nowhere") == data.line == 1
    assert [(p.line, p.message) for p in parsed.problems] == [
        (35, "duplicate key 1 (first on line 31)")
    ]
