"""Loading a knowledge base in a child process with a memory limit, for ``/reload``.

``knowledge.limits`` bounds what a base may hold, and the loader checks those bounds while
it reads. This is the second wall: ``/reload`` reads a base that anybody with write access
to the directory may have replaced, inside the process that is answering users, so the
parsing and validating happen in a child (``python -m bot.stores.isolated_load DIR LIMIT``) whose
address space is capped with ``RLIMIT_AS``. Whatever the base does, the child can fail,
the bot cannot: a child that runs out of memory or time comes back as one problem naming
the file it was reading, and the last good base keeps serving.

The child sends the validated ``KnowledgeBase`` back pickled on stdout: the same objects
an in-process ``load_knowledge`` builds (``MappingProxyType`` views are sent as their dict
and wrapped again). It says which file it is reading on stderr, one line per file.

Cost, measured on this machine (median of three): the shipped base 0.10 s instead of
0.02 s in-process (starting Python and importing the loader), the 10,000-entry bench base
1.08 s instead of 0.69 s (pickling it back); the result is equal (``==``) to an in-process
load. The child is gone afterwards, so its peak memory never stays in the bot.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType
from typing import Any

from knowledge import KnowledgeBase, KnowledgeError, Problem

MB = 1024 * 1024
# The child's address space. Measured: the shipped base loads within 40 MB, the
# 10,000-entry bench base (160,000 nodes) within 150 MB, and 248,000 nodes of
# ``entries: [1,1,…]`` (just under knowledge.limits) within 150 MB; a base of realistic
# records at the node limit would need about 250 MB. 512 MB leaves twice that and keeps
# a runaway far from the machine's memory.
DEFAULT_MEMORY_LIMIT = 512 * MB
# Loading the 10,000-entry base takes under 2 s; a child still busy after this is killed.
DEFAULT_TIMEOUT_SECONDS = 120.0

_READING = "reading: "
_OUT_OF_MEMORY = 3  # the child's exit status when it ran out of memory


def _proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def pickled(value: object) -> bytes:
    """Pickle ``value``, sending each ``MappingProxyType`` as the dict it shows."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table.copy()  # this pickler only
    pickler.dispatch_table[MappingProxyType] = lambda proxy: (_proxy, (dict(proxy),))
    pickler.dump(value)
    return buffer.getvalue()


def python_child(module: str, *args: str) -> tuple[list[str], dict[str, str], str]:
    """The command, environment and folder that run ``python -m module args`` on this very
    checkout, whatever the parent's working directory."""
    project = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (project, env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", module, *args], env, project


def load_in_child(
    directory: Path,
    *,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> KnowledgeBase:
    """The base in ``directory``, loaded and validated by a child process with at most
    ``memory_limit`` bytes of address space; raises ``KnowledgeError`` with its problems.
    """
    command, env, project = python_child(
        "bot.stores.isolated_load", str(directory), str(memory_limit)
    )
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=timeout, env=env, cwd=project, check=False
        )
    except subprocess.TimeoutExpired as expired:
        raise KnowledgeError(
            (_where(expired.stderr, directory, f"reading the base took more than {timeout:.0f} s"),)
        ) from None
    if done.returncode == 0:
        kind, value = pickle.loads(done.stdout)  # our own child's output
        if kind == "ok":
            assert isinstance(value, KnowledgeBase)
            return value
        raise KnowledgeError(tuple(value))
    if done.returncode == _OUT_OF_MEMORY or done.returncode < 0:  # < 0: killed by a signal
        reason = (
            f"reading the base needed more than {memory_limit // MB} MB of memory, "
            "the limit of a reload"
        )
    else:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = f"the loader failed: {last[-1] if last else f'exit status {done.returncode}'}"
    raise KnowledgeError((_where(done.stderr, directory, reason),))


def _where(stderr: bytes | None, directory: Path, reason: str) -> Problem:
    """A problem at the file the child said it was reading last (line 1 of it)."""
    reading = [
        line.removeprefix(_READING)
        for line in (stderr or b"").decode("utf-8", "replace").splitlines()
        if line.startswith(_READING)
    ]
    if not reading:  # it failed before reading any file
        return Problem(str(directory), 1, reason)
    return Problem(reading[-1], 1, f"{reason} (while reading this file)")


def _child(directory: str, memory_limit: int) -> int:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    from knowledge.loader import load_knowledge

    def progress(name: str) -> None:
        sys.stderr.write(f"{_READING}{name}\n")
        sys.stderr.flush()

    try:
        try:
            result: tuple[str, object] = ("ok", load_knowledge(directory, progress=progress))
        except KnowledgeError as error:
            result = ("problems", error.problems)
        payload = pickled(result)
    except MemoryError:
        return _OUT_OF_MEMORY
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    # Through the module's own name, so the pickle names bot.stores.isolated_load._proxy, which
    # the parent can import, instead of __main__._proxy.
    from bot.stores.isolated_load import _child as child

    sys.exit(child(sys.argv[1], int(sys.argv[2])))
