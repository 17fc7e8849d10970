"""``make bench-external``: the matcher on public intent benchmarks, as bases in our format.

Reads the development splits in ``../shared/benchmarks`` (see its README; the test splits
are held back and measured elsewhere): each intent becomes one entry whose questions are
its phrasings, in a one-language base, and every query goes through ``Responder.reply``
with the default settings, so the product's own answer / did-you-mean / decline decision
is what is scored. A query counts as right only when it is *answered* with its intent
(a "did you mean" is not an answer); an out-of-scope query counts when it is declined.

* CLINC150: base = train (150 entries x 100 phrasings); queries = val (in scope) and
  oos_val (out of scope). Targets: >= 88 % in scope, >= 70 % out of scope declined.
* xSID: each language's valid split halved per intent (even and odd lines); one half is
  the base, the other the queries, then the other way round. Target: >= 87 % answered
  right in every language (both directions pooled).

Exit status 1 when a target is missed, so CI fails; ``--quick`` runs xSID only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType

from intents.responder import Responder
from knowledge import Entry, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = Path(
    __import__("os").environ.get("BENCHMARKS_DIR", ROOT.parent / "shared" / "benchmarks")
)
OUT_OF_SCOPE = "oos"
TARGETS = {"clinc_in_scope": 88.0, "clinc_declined": 70.0, "xsid": 87.0}


def read_tsv(path: Path) -> list[tuple[str, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                question, label = line.rstrip("\n").split("\t")
                rows.append((question, label))
    return rows


def base_from_rows(rows: Sequence[tuple[str, str]], language: str, title: str) -> KnowledgeBase:
    """One entry per label, its phrasings as questions, its label as the answer."""
    phrasings: dict[str, list[str]] = defaultdict(list)
    for question, label in rows:
        phrasings[label].append(question)
    entries = {
        label: Entry(
            id=label,
            questions=MappingProxyType({language: tuple(questions)}),
            answer=MappingProxyType({language: label}),
        )
        for label, questions in phrasings.items()
    }
    empty: MappingProxyType = MappingProxyType({})
    return KnowledgeBase(
        title=title,
        languages=(language,),
        sources=empty,
        facts=empty,
        quotes=empty,
        entities=empty,
        entries=MappingProxyType(entries),
    )


def score(responder: Responder, queries: Sequence[tuple[str, str]]) -> tuple[int, int, int, int]:
    """(answered right, in scope, declined, out of scope)."""
    right = in_scope = declined = out = 0
    for question, label in queries:
        reply = responder.reply(question)
        if label == OUT_OF_SCOPE:
            out += 1
            declined += not reply.answered
        else:
            in_scope += 1
            right += reply.answered and reply.entry == label
    return right, in_scope, declined, out


def clinc() -> list[tuple[str, float, float]]:
    folder = BENCHMARKS / "clinc150"
    started = time.perf_counter()
    responder = Responder(base_from_rows(read_tsv(folder / "train.tsv"), "en", "CLINC150 train"))
    built = time.perf_counter() - started
    queries = read_tsv(folder / "val.tsv") + read_tsv(folder / "oos_val.tsv")
    right, in_scope, declined, out = score(responder, queries)
    print(f"CLINC150: base of 15,000 phrasings learned in {built:.1f} s", flush=True)
    return [
        (
            "CLINC150 val: in scope answered right (%)",
            100 * right / in_scope,
            TARGETS["clinc_in_scope"],
        ),
        ("CLINC150 oos_val: declined (%)", 100 * declined / out, TARGETS["clinc_declined"]),
    ]


def xsid() -> list[tuple[str, float, float]]:
    rows_out = []
    for language in ("de", "en", "ja"):
        rows = read_tsv(BENCHMARKS / "xsid" / f"{language}.valid.tsv")
        by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in rows:
            by_label[row[1]].append(row)
        halves = (
            [r for label in by_label for r in by_label[label][0::2]],
            [r for label in by_label for r in by_label[label][1::2]],
        )
        right = total = 0
        for base_rows, queries in (halves, halves[::-1]):
            responder = Responder(base_from_rows(base_rows, language, f"xSID {language}"))
            r, n, _, _ = score(responder, queries)
            right, total = right + r, total + n
        rows_out.append(
            (f"xSID {language} halves: answered right (%)", 100 * right / total, TARGETS["xsid"])
        )
    return rows_out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.external", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="xSID only (a few seconds)")
    args = parser.parse_args(argv)
    if not BENCHMARKS.is_dir():
        print(f"benchmarks not found at {BENCHMARKS} (set BENCHMARKS_DIR)", file=sys.stderr)
        return 2
    rows = xsid() + ([] if args.quick else clinc())
    width = max(len(name) for name, _, _ in rows)
    failed = 0
    print()
    for name, value, target in rows:
        ok = value >= target
        failed += not ok
        print(f"{name:<{width}}  {value:6.1f}  target >= {target:.0f}  {'ok' if ok else 'MISSED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
