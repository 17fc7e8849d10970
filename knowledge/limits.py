"""How much of a knowledge base is read at all: the bounds that keep a hostile base cheap.

A base is data that curators edit and anybody with write access to the directory could
replace, and ``/reload`` reads it inside the running bot. Every bound below is checked
while the files are read (before the YAML parser builds anything for the part over the
limit) and reported as a problem ``file:line: reason``; none of them is near what a real
base needs. Each value is about fifty times the shipped base (``knowledge/base/``:
11 YAML files, 191 KB, 4,924 YAML nodes, nested 5 levels, longest value 411 characters),
and the 10,000-entry base of ``make bench`` (4.0 MB, 160,038 nodes) fits under all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds of one load; ``DEFAULT_LIMITS`` is what the bot and ``bot check`` use."""

    # One file, checked before it is read (stat, then a bounded read): the largest shipped
    # file is 66 KB; 2 MiB is the bound the loader always had.
    max_file_bytes: int = 2 * MB
    # All YAML and source files together: 191 KB shipped, x ~55.
    max_total_bytes: int = 10 * MB
    # YAML files under the directory: 11 shipped, x ~45.
    max_files: int = 500
    # YAML nodes (each value, list and mapping) in all files together: 4,924 shipped, x ~50.
    # This is what bounds memory: a composed node costs about 500 bytes, and every file's
    # nodes live until the model is built, so 250,000 nodes are about 125 MB at the peak.
    max_nodes: int = 250_000
    # Levels of nesting (lists and mappings inside each other): 5 shipped, x 10. Far below
    # where a recursive walk could hit Python's recursion limit (1,000 frames).
    max_depth: int = 50
    # Characters in one value: the longest shipped answer is 411, x ~50, and five Telegram
    # messages (4,096 each). Source texts are files of their own, bounded by max_file_bytes.
    max_scalar_chars: int = 20_000
    # Errors listed per file; the rest are counted in one line. A curator fixes a file in a
    # few rounds anyway, and /reload's answer stays a few Telegram messages long.
    max_problems_per_file: int = 100


DEFAULT_LIMITS = Limits()
