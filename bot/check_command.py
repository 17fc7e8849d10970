"""``python -m bot check [DIR]``: validate a knowledge base and summarise what it holds.

Exit status 0 when the base loads (warnings are printed but allowed), 1 when it has
problems; every problem is printed as ``file:line: reason`` so editors can jump to it.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from knowledge.loader import check_knowledge
from knowledge.model import KnowledgeBase, Problem
from knowledge.paths import default_knowledge_dir


def main(args: argparse.Namespace) -> int:
    given = getattr(args, "directory", None)
    directory = Path(given) if given else default_knowledge_dir()
    base, problems = check_knowledge(directory)
    out = sys.stdout
    if base is None:
        errors = [p for p in problems if p.severity == "error"]
        for problem in problems:
            print(_located(problem), file=out)
        print(
            f"{directory}: {len(errors)} problem{'s' if len(errors) != 1 else ''}"
            f" - the base cannot be served",
            file=out,
        )
        return 1
    summarise(base, out)
    return 0


def _located(problem: Problem) -> str:
    prefix = "warning: " if problem.severity == "warning" else ""
    return f"{problem.file}:{problem.line}: {prefix}{problem.message}"


def summarise(base: KnowledgeBase, out: TextIO) -> None:
    """What a curator wants to see after a successful check."""
    print(f"{base.directory}: OK", file=out)
    print(f"title:     {base.title}", file=out)
    print(f"languages: {', '.join(base.languages)} (default {base.default_language})", file=out)
    print(f"sources:   {len(base.sources)}", file=out)
    print(f"facts:     {len(base.facts)}", file=out)
    print(f"quotes:    {len(base.quotes)}", file=out)
    kinds = Counter(entity.kind for entity in base.entities.values())
    by_kind = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
    print(f"entities:  {len(base.entities)}" + (f" ({by_kind})" if by_kind else ""), file=out)
    print(f"entries:   {len(base.entries)}", file=out)
    phrasings = {
        lang: sum(len(entry.questions.get(lang, ())) for entry in base.entries.values())
        for lang in base.languages
    }
    print("phrasings: " + ", ".join(f"{n} {lang}" for lang, n in phrasings.items()), file=out)
    for warning in base.warnings:
        print(_located(warning), file=out)
    if base.warnings:
        count = len(base.warnings)
        print(f"{count} warning{'s' if count != 1 else ''}", file=out)
    print(f"fingerprint: {base.fingerprint[:12]}", file=out)
