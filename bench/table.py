"""One row of the ``make bench`` table, and the table itself."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Row:
    """A measured figure against its target; ``at_least`` flips "<=" into ">=".

    Iterates as ``(name, measured, target, ok)``, the shape every bench module returns.
    """

    name: str
    measured: float
    target: float
    unit: str
    ok: bool
    at_least: bool = False

    def __iter__(self) -> Iterator[Any]:
        return iter((self.name, self.measured, self.target, self.ok))


def _cells(row: Any) -> tuple[str, str, str, str]:
    name, measured, target, ok = tuple(row)[:4]
    unit = getattr(row, "unit", "")
    sign = ">=" if getattr(row, "at_least", False) else "<="
    shown = f"{measured:,.1f}" if abs(measured) >= 100 else f"{measured:.3g}"
    target_text = f"{sign} {target:g} {unit}".strip() if target else "-"
    return name, f"{shown} {unit}".strip(), target_text, "yes" if ok else "NO"


def format_table(rows: Iterable[Any]) -> str:
    cells = [("figure", "measured", "target", "ok"), *(_cells(row) for row in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(4)]
    lines = []
    for index, (name, measured, target, ok) in enumerate(cells):
        lines.append(f"{name:<{widths[0]}}  {measured:>{widths[1]}}  {target:>{widths[2]}}  {ok}")
        if index == 0:
            lines.append("-" * (sum(widths) + 6 + 4))
    return "\n".join(lines)
