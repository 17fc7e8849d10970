"""A hostile knowledge base fails, located, in bounded time and memory, and never takes the
bot down: the breaks 4, 7 and the symlink part of 13 of issue 13, each reproduced here.

Memory is measured in a child process (``python -m bot check`` or the reload's own child),
with ``os.wait4`` giving that child's peak RSS; the bounds are generous on purpose (a
shared machine), but far below what today's code needed (505 MB for one 2 MB file of
``entries: [1,1,…]``, gigabytes for four).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.stores.knowledge import KnowledgeStore
from knowledge.limits import DEFAULT_LIMITS
from knowledge.loader import check_knowledge, load_knowledge
from knowledge.model import Problem
from knowledge.yaml_source import parse_yaml
from tests.knowledge.conftest import MINIBASE

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


@pytest.fixture
def base(tmp_path: Path) -> Path:
    target = tmp_path / "base"
    shutil.copytree(MINIBASE, target)
    return target


def numbers_file(path: Path, size: int = 2 * MB - 64) -> None:
    """``entries: [1,1,1,…]`` of about ``size`` bytes: half a million nodes per MB."""
    count = (size - len("entries: []\n")) // 2
    path.write_text("entries: [" + ",".join(["1"] * count) + "]\n", encoding="utf-8")


def run_check(directory: Path, address_space: int = 3 * 1024 * MB) -> tuple[int, str, int, float]:
    """``python -m bot check DIR`` in a child: exit status, output, peak RSS in MB, seconds.

    The child's address space is capped (``address_space``) so that a base that would eat
    the machine fails there instead. The peak is the child's own high-water mark (VmHWM,
    printed at exit): ``wait4``'s ru_maxrss would also count the parent's pages that the
    fork copied before exec, so a big test process would make a small child look big.
    """
    code = (
        "import atexit, resource, runpy, sys;"
        "atexit.register(lambda: print('\\nPEAK_KB', next(l.split()[1] for l in"
        " open('/proc/self/status') if l.startswith('VmHWM'))));"
        f"resource.setrlimit(resource.RLIMIT_AS, ({address_space}, {address_space}));"
        "sys.argv = ['bot', 'check', sys.argv[1]];"
        "runpy.run_module('bot', run_name='__main__')"
    )
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(directory)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, _usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    peaks = [line.split()[1] for line in output.splitlines() if line.startswith("PEAK_KB ")]
    peak_kb = int(peaks[-1]) if peaks else 10**9  # no figure: the child died before exit
    return child.returncode, output, peak_kb // 1024, seconds


def located(problems: tuple[Problem, ...] | list[Problem], directory: Path) -> None:
    """Every problem names a file of the base (not the directory) and a line from 1."""
    for problem in problems:
        assert problem.line >= 1, str(problem)
        assert problem.file != str(directory) and not problem.file.startswith("/"), str(problem)
        assert "unexpected error" not in problem.message, str(problem)


# ---- 4: a large base -----------------------------------------------------------------------


def test_four_files_of_two_megabytes_of_numbers_are_refused_by_check_in_bounded_memory(
    base: Path,
) -> None:
    for number in range(4):
        numbers_file(base / f"numbers-{number}.yaml")
    status, output, peak_mb, seconds = run_check(base)
    assert status == 1, output[-2000:]
    assert "Traceback" not in output and "MemoryError" not in output, output[-2000:]
    assert "numbers-0.yaml:1: " in output
    assert f"more than {DEFAULT_LIMITS.max_nodes:,} YAML nodes" in output
    assert peak_mb < 200, f"bot check peaked at {peak_mb} MB"  # today: > 2 GB, or killed
    assert seconds < 30


def test_the_base_as_a_whole_is_bounded_in_bytes_and_files(base: Path) -> None:
    limits = DEFAULT_LIMITS
    chunk = "x" * 1000
    per_file = (limits.max_file_bytes - 1000) // 1006
    text = "entries:\n" + "".join(f"  # {chunk}\n" for _ in range(per_file))
    files = limits.max_total_bytes // len(text.encode()) + 1
    for number in range(files):
        (base / f"big-{number:02d}.yaml").write_text(text, encoding="utf-8")
    _, problems = check_knowledge(base)
    over = [p for p in problems if "bytes in all" in p.message]
    assert over, [str(p) for p in problems][:5]
    assert over[0].file == f"big-{files - 1:02d}.yaml" and over[0].line == 1
    located(problems, base)

    for path in base.glob("big-*.yaml"):
        path.unlink()
    for number in range(limits.max_files + 5):
        (base / "many" / f"{number:04d}.yaml").parent.mkdir(exist_ok=True)
        (base / "many" / f"{number:04d}.yaml").write_text("entries: []\n", encoding="utf-8")
    _, problems = check_knowledge(base)
    too_many = [p for p in problems if "YAML files" in p.message]
    assert len(too_many) == 1, [str(p) for p in problems][:5]
    assert too_many[0].line == 1 and too_many[0].file.startswith("many/")
    assert f"more than {limits.max_files} YAML files" in too_many[0].message


def test_a_long_scalar_and_deep_nesting_are_refused_where_they_are(base: Path) -> None:
    limit = DEFAULT_LIMITS.max_scalar_chars
    (base / "long.yaml").write_text(
        "entries:\n  - id: long\n    topic: " + "x" * (limit + 1) + "\n", encoding="utf-8"
    )
    (base / "deep.yaml").write_text(
        "entries:\n" + "".join("  " * (i + 1) + "- \n" for i in range(100)), encoding="utf-8"
    )
    _, problems = check_knowledge(base)
    by_file = {p.file: p for p in problems}
    assert by_file["long.yaml"].line == 3
    assert f"longer than {limit:,} characters" in by_file["long.yaml"].message
    assert by_file["deep.yaml"].line == DEFAULT_LIMITS.max_depth + 1
    assert f"nested more than {DEFAULT_LIMITS.max_depth} levels" in by_file["deep.yaml"].message


# ---- 7: nothing worse than linear; deep nesting and long numbers never a traceback --------


@pytest.mark.parametrize(
    "text",
    [
        "entries: " + "[" * 600 + "]" * 600 + "\n",
        "entries:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(600)),
        "facts:\n  - id: x\n    value: " + ":".join(["1"] * 3000) + "\n",
    ],
    ids=["600-flow", "600-block", "sexagesimal-3000"],
)
def test_deep_nesting_and_long_numbers_give_located_problems_in_check_and_reload(
    base: Path, text: str
) -> None:
    store = KnowledgeStore(base)
    served = store.current
    (base / "hostile.yaml").write_text(text, encoding="utf-8")
    result, problems = check_knowledge(base)  # today: RecursionError / ValueError
    assert result is None
    assert any(p.file == "hostile.yaml" for p in problems), [str(p) for p in problems]
    located(problems, base)

    outcome = store.reload()  # today: "<dir>:0: unexpected error: RecursionError(...)"
    assert not outcome.ok and store.current is served
    assert any(p.file == "hostile.yaml" for p in outcome.problems)
    located(outcome.problems, base)


def test_a_million_part_sexagesimal_number_takes_milliseconds() -> None:
    started = time.perf_counter()
    parsed = parse_yaml("x: " + ":".join(["1"] * 1_000_000) + "\n")  # today: 215 s
    assert time.perf_counter() - started < 5
    assert [p.line for p in parsed.problems] == [1]


def test_sexagesimal_numbers_are_read_as_text() -> None:
    # YAML 1.1 reads 1:30 as 90, YAML 1.2 as text; text is linear and what a curator means.
    data = parse_yaml("a: 1:30\nb: 190:20:30.15\nc: 12\n").data
    assert data == {"a": "1:30", "b": "190:20:30.15", "c": 12}


def test_twenty_thousand_duplicate_keys_are_reported_in_linear_time() -> None:
    keys = 20_000
    text = "".join(f"k{i}: 1\n" for i in range(keys)) * 2
    started = time.perf_counter()
    parsed = parse_yaml(text)  # today: 30 s, rescanning all keys per duplicate
    assert time.perf_counter() - started < 5
    assert len(parsed.problems) == keys
    assert parsed.problems[-1].line == 2 * keys
    assert parsed.problems[-1].message == f"duplicate key 'k{keys - 1}' (first on line {keys})"


# ---- /reload in a child process with a memory limit ---------------------------------------


def test_reload_parses_in_a_child_with_a_memory_limit_and_the_bot_keeps_serving(
    base: Path,
) -> None:
    store = KnowledgeStore(base, reload_memory_limit=64 * MB)
    served = store.current
    facts = base / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8")
        .replace("1234", "1235")
        .replace("1.234", "1.235")
        .replace("1,234", "1,235"),
        encoding="utf-8",
    )
    (base / "source.de.txt").write_text(
        (base / "source.de.txt").read_text(encoding="utf-8").replace("1.234", "1.235"),
        encoding="utf-8",
    )
    outcome = store.reload()
    assert outcome.ok, outcome.summary()
    assert store.current.kb == load_knowledge(base)  # the child's base is the in-process one
    assert store.current.kb.facts["residents"].value == 1235

    # Within every limit, but more than 64 MB to compose: the child runs out, not the bot.
    per_file = DEFAULT_LIMITS.max_nodes // 2 - 1000
    for number in range(2):
        (base / f"wide-{number}.yaml").write_text(
            "entries: [" + ",".join(["1"] * per_file) + "]\n", encoding="utf-8"
        )
    current = store.current
    outcome = store.reload()
    assert not outcome.ok and store.current is current
    assert len(outcome.problems) == 1, outcome.summary()
    problem = outcome.problems[0]
    assert problem.file.startswith("wide-") and problem.line == 1, str(problem)
    assert "64 MB" in problem.message, str(problem)
    assert served is not current


# ---- 13: a YAML file linked from outside the base -----------------------------------------


def test_a_yaml_file_linked_from_outside_the_base_is_refused_unread(
    base: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("password_is_hunter2: 1\n", encoding="utf-8")
    (base / "entries" / "linked.yaml").symlink_to(outside / "secret.yaml")
    (base / "inside.yaml").symlink_to(base / "entries" / "main.yaml")  # inside: fine to read
    _, problems = check_knowledge(base)
    text = "\n".join(str(p) for p in problems)
    assert "hunter2" not in text and "secret" not in text
    linked = [p for p in problems if p.file == "entries/linked.yaml"]
    assert len(linked) == 1 and linked[0].line == 1
    assert "outside the base directory" in linked[0].message
    assert not any(p.file == "inside.yaml" and "outside" in p.message for p in problems)
