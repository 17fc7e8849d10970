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
    report_matching(base, out)
    return 0


# Lines of each list shown; the rest are counted.
MAX_REPORTED = 15


def report_matching(base: KnowledgeBase, out: TextIO) -> None:
    """Cross-validation of the base: phrasings that do not reach their entry, confused pairs."""
    from intents.diagnostics import confusions, weak_phrasings
    from intents.matcher import matcher_for

    matcher = matcher_for(base)
    calibration = matcher.calibration
    print(
        f"matching:  {calibration.held_out} phrasings held out in turn, "
        f"{calibration.reached:.0%} reach their own entry",
        file=out,
    )
    weak = weak_phrasings(matcher)
    if weak:
        print(
            f"weak phrasings ({len(weak)}; held out, they reach another entry or none):", file=out
        )
    for item in weak[:MAX_REPORTED]:
        where = _where(base, item.entry, item.phrasing)
        reached = item.reached or "no entry"
        print(
            f"  {where}: {item.entry} [{item.language}] {item.phrasing!r} -> {reached}",
            file=out,
        )
    if len(weak) > MAX_REPORTED:
        print(f"  ... and {len(weak) - MAX_REPORTED} more", file=out)
    confused = confusions(matcher)
    if confused:
        print(f"confused entries ({len(confused)} pairs):", file=out)
    for pair in confused[:MAX_REPORTED]:
        where = _where(base, pair.entry, None)
        print(
            f"  {where}: {pair.entry} <-> {pair.other}: {pair.times} of their"
            f" {pair.held_out} held-out phrasings reach the other",
            file=out,
        )
    if len(confused) > MAX_REPORTED:
        print(f"  ... and {len(confused) - MAX_REPORTED} more", file=out)


def _where(base: KnowledgeBase, entry_id: str, phrasing: str | None) -> str:
    """file:line of an entry, or of one of its phrasings when it can be found in the file."""
    origin = base.entries[entry_id].origin
    if origin is None:
        return entry_id
    if phrasing is not None:
        try:
            lines = (Path(base.directory) / origin.file).read_text(encoding="utf-8").splitlines()
        except OSError:
            lines = []
        for number in range(max(origin.line - 1, 0), len(lines)):
            if phrasing in lines[number]:
                return f"{origin.file}:{number + 1}"
    return f"{origin.file}:{origin.line}"


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
