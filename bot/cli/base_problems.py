"""Telling an operator at the command line that a knowledge base cannot be used."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from knowledge import KnowledgeBase, KnowledgeError
from knowledge.loader import load_knowledge


def print_problems(directory: str | Path, error: KnowledgeError, stream: TextIO) -> None:
    """Every problem, one per line as file:line: reason, under a header naming the base."""
    count = len(error.problems)
    print(
        f"The knowledge base in {directory} cannot be loaded "
        f"({count} problem{'s' if count != 1 else ''}):",
        file=stream,
    )
    for problem in error.problems:
        print(f"  {problem}", file=stream)


def load_or_report(directory: str | Path, stream: TextIO) -> KnowledgeBase | None:
    """The base in ``directory``, or None after printing why it cannot be loaded."""
    try:
        return load_knowledge(directory)
    except KnowledgeError as error:
        print_problems(directory, error, stream)
        return None
