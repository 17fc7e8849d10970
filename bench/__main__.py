"""``python -m bench`` (``make bench``): run every benchmark, then print one table.

Each ``bench/*_bench.py`` module exposes ``run()`` returning rows that iterate as
``(figure, measured, target, ok)`` (see ``bench.table.Row``); modules may print notes (a
profile, say) while they run. Exit status 1 when any figure misses its target.
``python -m bench throughput memory`` runs only the modules whose names start so.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from typing import Any

import bench
from bench.table import format_table


def main(argv: list[str] | None = None) -> int:
    wanted = sys.argv[1:] if argv is None else argv
    rows: list[Any] = []
    started = time.perf_counter()
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda i: i.name):
        if not info.name.endswith("_bench"):
            continue
        if wanted and not any(info.name.startswith(prefix) for prefix in wanted):
            continue
        print(f"== {info.name} ...", flush=True)
        module = importlib.import_module(f"bench.{info.name}")
        rows.extend(module.run())
    print()
    print(format_table(rows))
    print(f"\n(make bench took {time.perf_counter() - started:.0f} s)")
    return 0 if all(tuple(row)[3] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
