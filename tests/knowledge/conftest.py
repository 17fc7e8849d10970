"""A small valid base (``minibase/``) copied into a temporary directory, ready to be broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge.loader import check_knowledge
from knowledge.model import Problem

MINIBASE = Path(__file__).parent / "minibase"


class MiniBase:
    """A copy of the mini base that a test patches one file of, then loads."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def text(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> None:
        text = self.text(name)
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {name}"
        self.write(name, text.replace(old, new))

    def line_of(self, name: str, needle: str, nth: int = 1) -> int:
        """The 1-based line of the ``nth`` line of ``name`` that contains ``needle``."""
        text = (self.path / name).read_bytes().decode("utf-8", errors="replace")
        found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
        assert len(found) >= nth, f"{needle!r} not {nth} times in {name}"
        return found[nth - 1]

    def errors(self) -> list[Problem]:
        base, problems = check_knowledge(self.path)
        assert base is None, "the base was expected to be refused"
        return [p for p in problems if p.severity == "error"]


@pytest.fixture
def minibase(tmp_path: Path) -> MiniBase:
    target = tmp_path / "base"
    shutil.copytree(MINIBASE, target)
    return MiniBase(target)
