"""Reading one YAML file of a base safely, keeping the line every key and value was written on.

Why ``yaml.compose`` plus our own conversion instead of ``yaml.safe_load``:

* Composing only builds a node graph (scalars are still the strings written in the file);
  no constructor runs, so no tag can ever turn into a Python object or a call. We then
  convert nodes ourselves and accept only the core tags below; ``!!python/...``, ``!foo``,
  ``!!set``, ``!!binary`` and merge keys are refused with a reason instead of being built.
  ``safe_load`` would also refuse python tags, but silently build sets, bytes and merged
  mappings, and it throws the line numbers away.
* Aliases are refused (a node met twice is an alias), so a "billion laughs" document can
  never expand: composition itself shares alias targets and stays linear in the file size.
  Anchors are refused too, found by a parse-event scan that only runs when the text holds
  an ``&`` at all. ``safe_load`` would happily expand the aliases into a huge structure.
* The file is read as bytes with a size bound before any parsing and must be UTF-8, so
  neither memory nor the parser sees more than the curator meant to write.

Mappings and sequences come back as ``YamlMapping`` / ``YamlSequence``: plain ``dict`` and
``list`` that also carry the line of themselves, of every key and of every value.
Scalars are plain ``str``, ``int``, ``float``, ``bool`` or ``None``; YAML timestamps
(``2017-09-13``) become ISO strings.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"


class _CoreResolver(Resolver):
    """YAML 1.1 core resolution (the same tags SafeLoader gives), without the generic
    path-resolver machinery: composing calls this once per node, so it is a hot loop."""

    _implicit = Resolver.yaml_implicit_resolvers

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._implicit.get(value[:1], ()):
                    if regexp.match(value):
                        return str(tag)
            return _STR_TAG
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


try:
    from yaml._yaml import CParser

    class _Loader(CParser, _CoreResolver):  # libyaml's C parser, our resolver; no constructor
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _CoreResolver.__init__(self)

except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(Reader, Scanner, Parser, Composer, _CoreResolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _CoreResolver.__init__(self)


_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
# Only its per-tag scalar functions are called, on single scalar nodes with a core tag: they
# turn "0x1F", "1_000", "yes", "~" into values the way YAML 1.1 says. They keep no state
# (unlike construct_object, which caches every node), and never see a mapping or sequence.
_SCALARS = SafeConstructor()


class YamlMapping(dict[Any, Any]):
    """A mapping from a YAML file: a dict that remembers where its keys and values were."""

    __slots__ = ("key_lines", "line", "value_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}

    def key_line(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)

    def value_line(self, key: Any) -> int:
        return self.value_lines.get(key, self.key_line(key))


class YamlSequence(list[Any]):
    """A sequence from a YAML file: a list that remembers the line of every item."""

    __slots__ = ("item_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def item_line(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Why (part of) a file was refused; ``line`` is 1-based, 1 for whole-file problems."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class YamlFile:
    """What reading a file gave: its bytes (for fingerprints), its data and its problems.

    ``data`` is None when the file could not be parsed at all; problems found while
    converting (a refused tag, a duplicate key) leave the rest of the data usable.
    """

    path: Path
    raw: bytes
    data: Any
    problems: tuple[YamlProblem, ...]


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, YamlProblem | None]:
    """The file's bytes, or a problem if it is too big to read safely (checked before reading)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return b"", YamlProblem(1, f"file is {size} bytes, more than the limit of {max_bytes}")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        return b"", YamlProblem(1, f"cannot read file: {exc.strerror or exc}")
    if len(raw) > max_bytes:  # grew between stat and read
        return b"", YamlProblem(1, f"file is more than the limit of {max_bytes} bytes")
    return raw, None


def decode_utf8(raw: bytes) -> tuple[str, YamlProblem | None]:
    """The text of a UTF-8 file (a leading BOM is dropped), or where the first bad byte is."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        return "", YamlProblem(line, f"not UTF-8: invalid byte 0x{bad} at byte {exc.start}")
    return text.removeprefix("\ufeff"), None


def read_text(
    path: Path, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[bytes, str, YamlProblem | None]:
    """Bytes and UTF-8 text of a (source) file, with the same limits as YAML files."""
    raw, problem = read_bytes(path, max_bytes)
    if problem is not None:
        return raw, "", problem
    text, problem = decode_utf8(raw)
    return raw, text, problem


def read_yaml(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> YamlFile:
    """Read, bound, decode and parse one YAML file; never raises for bad content."""
    raw, text, problem = read_text(path, max_bytes)
    if problem is not None:
        return YamlFile(path, raw, None, (problem,))
    return parse_yaml(text, path, raw)


def parse_yaml(text: str, path: Path = Path("<text>"), raw: bytes = b"") -> YamlFile:
    """Parse YAML text into plain located data (see the module docstring for the rules)."""
    if "&" in text:
        anchors = _anchor_problems(text)
        if anchors:
            return YamlFile(path, raw, None, anchors)
    try:
        node = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as exc:
        return YamlFile(path, raw, None, (_syntax_problem(exc),))
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        mark = getattr(exc, "position", None)
        line = text.count("\n", 0, mark) + 1 if isinstance(mark, int) else 1
        return YamlFile(path, raw, None, (YamlProblem(line, f"YAML error: {exc}"),))
    if node is None:
        return YamlFile(path, raw, None, ())
    converter = _Converter()
    data = converter.convert(node)
    return YamlFile(path, raw, data, tuple(converter.problems))


def _syntax_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    context_mark = exc.context_mark
    reason = exc.problem or "invalid YAML"
    if exc.context:
        reason = f"{reason} ({exc.context}"
        if context_mark is not None and context_mark is not mark:
            reason += f" started on line {context_mark.line + 1}"
        reason += ")"
    return YamlProblem(line, f"YAML syntax error: {reason}")


def _anchor_problems(text: str) -> tuple[YamlProblem, ...]:
    """Every anchor and alias in the text (a cheap event scan; nothing is built)."""
    problems: list[YamlProblem] = []
    try:
        for event in yaml.parse(text, Loader=_Loader):  # type: ignore[arg-type]
            anchor = getattr(event, "anchor", None)
            if not anchor:
                continue
            line = event.start_mark.line + 1 if event.start_mark else 1
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            kind = "alias" if sign == "*" else "anchor"
            problems.append(
                YamlProblem(
                    line, f"{kind} {sign}{anchor} refused: anchors and aliases are not allowed"
                )
            )
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc))
    return tuple(problems)


class _Converter:
    """Turns a node graph into located plain data in one pass, collecting problems.

    Plain strings, by far the most common node, are taken inline without a call: this
    loop runs once per node of every file.
    """

    def __init__(self) -> None:
        self.problems: list[YamlProblem] = []
        self._seen: set[int] = set()

    def convert(self, node: yaml.Node) -> Any:
        if type(node) is yaml.ScalarNode:
            return self._scalar(node)
        line = node.start_mark.line + 1
        if id(node) in self._seen:
            # The composer hands out the same node object for every alias of an anchor;
            # refusing a second visit is what keeps an alias bomb from expanding.
            self.problems.append(
                YamlProblem(line, "alias refused: anchors and aliases are not allowed")
            )
            return None
        self._seen.add(id(node))
        if type(node) is yaml.SequenceNode and node.tag == _SEQ_TAG:
            seq = YamlSequence(line)
            lines = seq.item_lines
            for item in node.value:
                lines.append(item.start_mark.line + 1)
                if type(item) is yaml.ScalarNode and item.tag == _STR_TAG:
                    seq.append(item.value)
                else:
                    seq.append(self.convert(item))
            return seq
        if type(node) is yaml.MappingNode and node.tag == _MAP_TAG:
            return self._mapping(node, line)
        return self._refuse_tag(node, line)

    def _mapping(self, node: yaml.MappingNode, line: int) -> YamlMapping:
        mapping = YamlMapping(line)
        key_lines, value_lines = mapping.key_lines, mapping.value_lines
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if type(key_node) is yaml.ScalarNode and key_node.tag == _STR_TAG:
                key = key_node.value
            elif key_node.tag == _TAG + "merge":
                self.problems.append(YamlProblem(key_line, "merge key << refused"))
                continue
            else:
                key = self.convert(key_node)
                if isinstance(key, list | dict):
                    self.problems.append(YamlProblem(key_line, "a key must be a plain value"))
                    continue
            if key in mapping:
                self.problems.append(
                    YamlProblem(key_line, f"duplicate key {key!r} (first on line {key_lines[key]})")
                )
                continue
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR_TAG:
                mapping[key] = value_node.value
            else:
                mapping[key] = self.convert(value_node)
            key_lines[key] = key_line
            value_lines[key] = value_node.start_mark.line + 1
        return mapping

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR_TAG:
            return node.value
        line = node.start_mark.line + 1
        if tag not in _SCALAR_TAGS:
            return self._refuse_tag(node, line)
        try:
            value = _SCALARS.yaml_constructors[tag](_SCALARS, node)
        except (yaml.YAMLError, ValueError) as exc:
            self.problems.append(YamlProblem(line, f"invalid {tag.removeprefix(_TAG)}: {exc}"))
            return None
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value

    def _refuse_tag(self, node: yaml.Node, line: int) -> None:
        tag = node.tag.replace(_TAG, "!!", 1) if node.tag.startswith(_TAG) else node.tag
        self.problems.append(
            YamlProblem(line, f"tag {tag} refused: only plain YAML values are allowed (no tags)")
        )
        return None
