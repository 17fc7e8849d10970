"""How long ``/reload`` (``KnowledgeStore.reload``) takes: read, validate, index, diff, swap.

For the shipped base, and for a synthetic base of 10,000 entries (the generator of the
intents benchmark, written as YAML and read through the real loader). The median of a few
reloads counts; the bot keeps answering from the old snapshot meanwhile, since the reload
runs in a worker thread.

Run alone: ``python -m bench reload``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.intents_bench import synthetic_entries, write_synthetic_base
from bench.table import Row
from bot.stores.knowledge import KnowledgeStore
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR

SHIPPED_TARGET_S = 1.0
LARGE_ENTRIES = 10_000
# The intents benchmark allows 2 s to load and index this base; a reload adds the
# fingerprint, the diff against the served base and the swap.
LARGE_TARGET_S = 3.0


def reload_seconds(directory: Path, repeats: int) -> float:
    store = KnowledgeStore(directory)
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        outcome = store.reload()
        timings.append(time.perf_counter() - started)
        assert outcome.ok, outcome.problems
    return statistics.median(timings)


def run() -> list[Row]:
    shipped = reload_seconds(SHIPPED_KNOWLEDGE_DIR, repeats=5)
    with tempfile.TemporaryDirectory(prefix="bench-reload-") as tmp:
        directory = write_synthetic_base(Path(tmp), synthetic_entries(LARGE_ENTRIES))
        large = reload_seconds(directory, repeats=3)
    return [
        Row("reload: shipped base", shipped, SHIPPED_TARGET_S, "s", shipped <= SHIPPED_TARGET_S),
        Row("reload: 10,000-entry base", large, LARGE_TARGET_S, "s", large <= LARGE_TARGET_S),
    ]


if __name__ == "__main__":
    from bench.table import format_table

    print(format_table(run()))
