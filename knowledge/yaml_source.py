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
  Anchors are refused too.
* Before anything is composed, one pass over the parser's events (``_scan``) checks the
  bounds of ``knowledge.limits``: nodes (shared by all files of a base), nesting depth and
  the length of each value, and finds every anchor and alias. The events are not kept,
  so a file over a limit costs no more memory than its text, and deep nesting never
  reaches libyaml's recursive composer or our recursive conversion.
* Nothing is worse than linear: sexagesimal numbers (``1:30``) are text, as in YAML 1.2
  (YAML 1.1 would build ``1:1:…:1`` as a number, quadratic in its parts); numbers of more
  than 100 characters are refused; a repeated key finds its first line in one index.
* The file is read as bytes with a size bound before any parsing and must be UTF-8, so
  neither memory nor the parser sees more than the curator meant to write.

Mappings and sequences come back as ``YamlMapping`` / ``YamlSequence``: plain ``dict`` and
``list`` that also tell the line of themselves, of every key and of every value.
Scalars are plain ``str``, ``int``, ``float``, ``bool`` or ``None``; YAML timestamps
(``2017-09-13``) become ISO strings.

Speed: a large base is hundreds of thousands of nodes, so the work per node is kept small.
The composer's resolver hooks, called for every node, are a plain function and two C
no-ops. Lines are not copied out while converting: each mapping and sequence keeps its
node and reads a line from it only when asked (a record's own line, or the line of a
problem being reported). The price is memory: a file's node graph lives as long as the
data converted from it, i.e. until the loader has built the model and lets go of both
(10,000 entries with 5 phrasings each: a peak of about 85 MB instead of 57, for a base
that keeps 18 MB once loaded; converting is about twice as fast).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from knowledge.limits import DEFAULT_LIMITS, Limits

DEFAULT_MAX_BYTES = DEFAULT_LIMITS.max_file_bytes

_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
_MAP_TAG = _TAG + "map"
_SEQ_TAG = _TAG + "seq"
_MERGE_TAG = _TAG + "merge"

# YAML 1.1 implicit resolution (the same tags SafeLoader gives): first character of a plain
# scalar -> [(tag, pattern)], with one exception: sexagesimal numbers. YAML 1.1 reads
# ``1:30`` as the int 90 and ``1:30.5`` as a float, YAML 1.2 reads both as text, and so do
# we: a curator who writes ``10:30`` means a time, and building the number is quadratic in
# its parts (``1:1:…:1`` with a million parts took 215 s; as text it is one regex match).
_INT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
    |[-+]?0[0-7_]+
    |[-+]?(?:0|[1-9][0-9_]*)
    |[-+]?0x[0-9a-fA-F_]+)$""",
    re.X,
)
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_WITHOUT_SEXAGESIMAL = {"tag:yaml.org,2002:int": _INT, "tag:yaml.org,2002:float": _FLOAT}
_IMPLICIT = {
    first: [(tag, _WITHOUT_SEXAGESIMAL.get(tag, regexp)) for tag, regexp in resolvers]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}
# A number written with more characters than this is refused: no figure needs them, and
# Python refuses to turn an int of more than 4,300 digits into text (a ValueError later).
_MAX_NUMBER_CHARS = 100


def _resolve(kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
    """The tag of a node written without one (the composer asks once per node)."""
    if kind is ScalarNode:
        if implicit[0]:  # plain (unquoted): "384", "yes", "~", "2017-09-13" have types
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return str(tag)
        return _STR_TAG
    return _SEQ_TAG if kind is SequenceNode else _MAP_TAG


_NO_PATHS: dict[Any, Any] = {}


def _hook_resolver(loader: Any) -> None:
    """Bind the composer's resolver hooks, which it calls around every node, to cheap callables.

    No path resolvers are registered, so ``descend_resolver(parent, index)`` and
    ``ascend_resolver()`` become C no-ops, and ``resolve`` a plain function instead of a
    method of the generic resolver.
    """
    loader.resolve = _resolve
    loader.descend_resolver = _NO_PATHS.get
    loader.ascend_resolver = tuple


try:
    from yaml._yaml import CParser

    class _Loader(CParser):  # libyaml's C parser and composer; no constructor
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _hook_resolver(self)

except ImportError:  # pragma: no cover - PyYAML built without libyaml

    class _Loader(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _hook_resolver(self)


_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
# Only its per-tag scalar functions are called, on single scalar nodes with a core tag: they
# turn "0x1F", "1_000", "yes", "~" into values the way YAML 1.1 says. They keep no state
# (unlike construct_object, which caches every node), and never see a mapping or sequence.
_SCALARS = SafeConstructor()


class YamlMapping(dict[Any, Any]):
    """A mapping from a YAML file: a dict that tells where its keys and values were.

    It keeps its node and finds lines there on demand: most mappings of a valid base are
    never asked.
    """

    __slots__ = ("_lines", "_node")

    _node: MappingNode
    _lines: dict[Any, tuple[int, int]] | None  # key -> (key line, value line), 1-based

    @property
    def line(self) -> int:
        return self._node.start_mark.line + 1

    def key_line(self, key: Any) -> int:
        lines = self._lines_of(key)
        return self.line if lines is None else lines[0]

    def value_line(self, key: Any) -> int:
        lines = self._lines_of(key)
        return self.line if lines is None else lines[1]

    def _lines_of(self, key: Any) -> tuple[int, int] | None:
        """(key line, value line) of the first occurrence of ``key``, the one converting kept
        (a repeated key, and a key that is not a plain value, were refused there)."""
        pairs = self._node.value
        if len(pairs) > _SCANNED_KEYS:  # a large mapping: index it once
            if self._lines is None:
                self._lines = {}
                for key_node, value_node in pairs:
                    found = _key_of(key_node)[0]
                    if found is not _NOT_A_KEY:
                        self._lines.setdefault(
                            found, (key_node.start_mark.line + 1, value_node.start_mark.line + 1)
                        )
            return self._lines.get(key)
        for key_node, value_node in pairs:  # a record: a few keys, looked up once or twice
            if key_node.tag == _STR_TAG and type(key_node) is ScalarNode:
                found = key_node.value
            else:
                found = _key_of(key_node)[0]
            if found is not _NOT_A_KEY and found == key:
                return key_node.start_mark.line + 1, value_node.start_mark.line + 1
        return None


_SCANNED_KEYS = 16


class YamlSequence(list[Any]):
    """A sequence from a YAML file: a list that tells the line of every item (from its node)."""

    __slots__ = ("_node",)

    _node: SequenceNode

    @property
    def line(self) -> int:
        return self._node.start_mark.line + 1

    def item_line(self, index: int) -> int:
        items = self._node.value
        if 0 <= index < len(items):
            return items[index].start_mark.line + 1
        return self.line


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


def read_yaml(
    path: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    *,
    limits: Limits = DEFAULT_LIMITS,
    budget: NodeBudget | None = None,
) -> YamlFile:
    """Read, bound, decode and parse one YAML file; never raises for bad content."""
    raw, text, problem = read_text(path, max_bytes)
    if problem is not None:
        return YamlFile(raw, None, (problem,))
    return parse_yaml(text, raw, limits=limits, budget=budget)


class NodeBudget:
    """The YAML nodes the files of one load may still bring (``Limits.max_nodes`` at first).

    Shared by every file of a base: a file that would exceed it is refused unread.
    """

    __slots__ = ("left", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit


def parse_yaml(
    text: str,
    raw: bytes = b"",
    *,
    limits: Limits = DEFAULT_LIMITS,
    budget: NodeBudget | None = None,
) -> YamlFile:
    """Parse YAML text into plain located data (see the module docstring for the rules).

    First one pass over the parser's events (nothing is built, so memory stays at the
    text) checks the limits, anchors and aliases; only a file that passes is composed.
    """
    if budget is None:
        budget = NodeBudget(limits.max_nodes)
    nodes, problems = _scan(text, limits, budget)
    if problems:
        return YamlFile(raw, None, problems)
    try:
        node = yaml.compose(text, Loader=_Loader)  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as exc:
        return YamlFile(raw, None, (_syntax_problem(exc),))
    except yaml.YAMLError as exc:
        return YamlFile(raw, None, (_reader_problem(text, exc),))
    budget.left -= nodes
    if node is None:
        return YamlFile(raw, None, ())
    converter = _Converter()
    data = converter.convert(node)
    return YamlFile(raw, data, tuple(converter.problems))


def _reader_problem(text: str, exc: yaml.YAMLError) -> YamlProblem:
    """A reader error (e.g. a control character), located by its character position."""
    mark = getattr(exc, "position", None)
    line = text.count("\n", 0, mark) + 1 if isinstance(mark, int) else 1
    return YamlProblem(line, f"YAML error: {exc}")


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


_Scalar = yaml.ScalarEvent
_Opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_Closing = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _scan(text: str, limits: Limits, budget: NodeBudget) -> tuple[int, tuple[YamlProblem, ...]]:
    """The nodes in ``text`` and its problems: a limit passed (the scan stops there), every
    anchor and alias, or the syntax error the parser met.

    The parser hands out one event at a time and nothing here keeps them, so this pass
    needs no more memory than the text, however many nodes or levels the text holds; it
    is also what keeps libyaml's recursive composer away from deep nesting.
    """
    problems: list[YamlProblem] = []
    nodes = depth = 0
    max_nodes, max_depth, max_chars = budget.left, limits.max_depth, limits.max_scalar_chars
    loader = _Loader(text)
    get_event = loader.get_event
    try:
        while True:
            event: Any = get_event()  # an Event of a kind told by its type
            kind = type(event)
            if kind is _Scalar:
                nodes += 1
                if len(event.value) > max_chars:
                    problems.append(
                        _at(event, f"a value longer than {max_chars:,} characters (the limit)")
                    )
                    break
            elif kind in _Opening:
                nodes += 1
                depth += 1
                if depth > max_depth:
                    problems.append(_at(event, f"nested more than {max_depth} levels (the limit)"))
                    break
            elif kind in _Closing:
                depth -= 1
                continue
            elif kind is yaml.AliasEvent:
                nodes += 1
                problems.append(
                    _at(
                        event,
                        f"alias *{event.anchor} refused: anchors and aliases are not allowed",
                    )
                )
                continue
            elif event is None or kind is yaml.StreamEndEvent:
                break
            else:
                continue
            if nodes > max_nodes:
                problems.append(
                    _at(
                        event,
                        f"more than {budget.limit:,} YAML nodes (values, lists and mappings) "
                        "in the base's files together, the limit: this file was not read",
                    )
                )
                break
            if event.anchor is not None:
                problems.append(
                    _at(
                        event,
                        f"anchor &{event.anchor} refused: anchors and aliases are not allowed",
                    )
                )
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc))
    except yaml.YAMLError as exc:
        problems.append(_reader_problem(text, exc))
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose is not None:
            dispose()
    return nodes, tuple(problems)


def _at(event: Any, message: str) -> YamlProblem:
    return YamlProblem(event.start_mark.line + 1 if event.start_mark else 1, message)


_NOT_A_KEY = object()  # a merge key or a mapping/sequence used as a key: refused


def _scalar_value(node: ScalarNode) -> tuple[Any, str | None]:
    """A scalar node's value (YAML 1.1 core types; dates as ISO strings), or why it is refused."""
    tag = node.tag
    if tag == _STR_TAG:
        return node.value, None
    if tag not in _SCALAR_TAGS:
        return None, _tag_refused(tag)
    if len(node.value) > _MAX_NUMBER_CHARS and tag in _NUMBER_TAGS:
        return None, f"a number of more than {_MAX_NUMBER_CHARS} characters: {_shown(node.value)}"
    try:
        value = _SCALARS.yaml_constructors[tag](_SCALARS, node)
    except (yaml.YAMLError, ValueError, KeyError, AttributeError):
        # ("!!bool maybe" is a KeyError and "!!timestamp nope" an AttributeError in there.)
        return None, f"invalid {tag.removeprefix(_TAG)}: {_shown(node.value)}"
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat(), None
    return value, None


_NUMBER_TAGS = frozenset((_TAG + "int", _TAG + "float"))


def _shown(value: str, room: int = 60) -> str:
    """A value quoted in a problem, cut short: a reason, not a copy of the file."""
    if len(value) <= room:
        return repr(value)
    return repr(value[:room]) + f"… ({len(value):,} characters)"


def _key_of(node: yaml.Node) -> tuple[Any, str | None]:
    """What a key node stands for as a dict key, or ``_NOT_A_KEY`` and why it is refused."""
    if node.tag == _STR_TAG and type(node) is ScalarNode:
        return node.value, None
    if node.tag == _MERGE_TAG:
        return _NOT_A_KEY, "merge key << refused"
    if type(node) is not ScalarNode:
        return _NOT_A_KEY, "a key must be a plain value"
    return _scalar_value(node)


def _tag_refused(tag: str) -> str:
    shown = tag.replace(_TAG, "!!", 1) if tag.startswith(_TAG) else tag
    return f"tag {shown} refused: only plain YAML values are allowed (no tags)"


class _Converter:
    """Turns a node graph into plain data in one pass, collecting problems.

    Plain strings, by far the most common node, are taken inline without a call: this loop
    runs once per node of every file.
    """

    def __init__(self) -> None:
        self.problems: list[YamlProblem] = []
        self._seen: set[int] = set()

    def convert(self, node: yaml.Node) -> Any:
        if type(node) is ScalarNode:
            value, problem = _scalar_value(node)
            if problem is not None:
                self.problems.append(YamlProblem(node.start_mark.line + 1, problem))
            return value
        if id(node) in self._seen:
            # The composer hands out the same node object for every alias of an anchor;
            # refusing a second visit is what keeps an alias bomb from expanding.
            self.problems.append(
                YamlProblem(
                    node.start_mark.line + 1, "alias refused: anchors and aliases are not allowed"
                )
            )
            return None
        self._seen.add(id(node))
        if type(node) is SequenceNode and node.tag == _SEQ_TAG:
            return self._sequence(node)
        if type(node) is MappingNode and node.tag == _MAP_TAG:
            return self._mapping(node)
        self.problems.append(YamlProblem(node.start_mark.line + 1, _tag_refused(node.tag)))
        return None

    def _sequence(self, node: SequenceNode) -> YamlSequence:
        seq = YamlSequence()
        seq._node = node
        append = seq.append
        for item in node.value:
            if item.tag == _STR_TAG and type(item) is ScalarNode:
                append(item.value)
            else:
                append(self.convert(item))
        return seq

    def _mapping(self, node: MappingNode) -> YamlMapping:
        mapping = YamlMapping()
        mapping._node = node
        mapping._lines = None
        first_lines: dict[Any, int] | None = None  # built at the first repeated key, once
        for key_node, value_node in node.value:
            if key_node.tag == _STR_TAG and type(key_node) is ScalarNode:
                key = key_node.value
            else:
                key, problem = _key_of(key_node)
                if problem is not None:
                    if type(key_node) is not ScalarNode and key_node.tag != _MERGE_TAG:
                        self.convert(key_node)  # its own problems (a tag, an alias) count too
                    self.problems.append(YamlProblem(key_node.start_mark.line + 1, problem))
                if key is _NOT_A_KEY:
                    continue
            if key in mapping:
                if first_lines is None:  # (rescanning per repeat was quadratic)
                    first_lines = {}
                    for other, _ in node.value:
                        first_lines.setdefault(_key_of(other)[0], other.start_mark.line + 1)
                shown = _shown(key) if isinstance(key, str) else repr(key)
                self.problems.append(
                    YamlProblem(
                        key_node.start_mark.line + 1,
                        f"duplicate key {shown} (first on line {first_lines[key]})",
                    )
                )
                continue
            if value_node.tag == _STR_TAG and type(value_node) is ScalarNode:
                mapping[key] = value_node.value
            else:
                mapping[key] = self.convert(value_node)
        return mapping
