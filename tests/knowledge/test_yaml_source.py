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
