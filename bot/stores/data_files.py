"""The SQLite files in ``DATA_DIR``: private to the bot's user, and never a reason not to answer.

* Every database file is created 0600 before SQLite opens it (SQLite gives its ``-wal`` and
  ``-shm`` files the mode of the database), so other users of the machine cannot read the
  questions asked or who chose which language.
* A file that is not a database, or one that SQLite finds corrupt (``PRAGMA quick_check``
  at open, a few milliseconds for a question log), is moved aside as
  ``NAME.corrupt-YYYYMMDDTHHMMSSZ`` (with its ``-wal`` and ``-shm``), ONE warning names it
  and what to do, and a new, empty database is started in its place. What the old file
  held is lost to the bot, kept for whoever wants to look.
* A database that cannot be opened at all (an unwritable ``DATA_DIR``, a full disk) is
  replaced by one in memory, with one warning: the bot answers, and keeps what it would
  have kept until it stops.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# SQLite's result codes for "this is not (or no longer) a database" (sqlite3.h).
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
IN_MEMORY = ":memory:"


def create_private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (0600), or tighten it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class CorruptDatabase(sqlite3.DatabaseError):
    """``PRAGMA quick_check`` did not say ok."""


def is_corrupt(error: BaseException) -> bool:
    """Whether ``error`` says the file is damaged (as opposed to locked, full, unwritable)."""
    if isinstance(error, CorruptDatabase):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    return (
        isinstance(error, sqlite3.DatabaseError)
        and code is not None
        and (code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB))
    )


def check_integrity(db: sqlite3.Connection) -> None:
    """Raise ``CorruptDatabase`` unless SQLite's quick check of ``db`` says ok."""
    rows = db.execute("PRAGMA quick_check").fetchall()
    if [tuple(row) for row in rows] != [("ok",)]:
        raise CorruptDatabase("; ".join(str(row[0]) for row in rows[:3]))


def open_database(
    path: Path,
    what: str,
    setup: Callable[[Path | str], T],
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> T:
    """``setup(path)`` (which connects, checks and migrates), surviving a damaged file.

    ``setup`` raises what SQLite raised; a corrupt file is moved aside and ``setup`` runs
    again on a new one; a file that still cannot be opened gives way to ``setup(":memory:")``.
    ``what`` names the data for the warning ("question log", "language preferences").
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        create_private_file(path)
        return setup(path)
    except (sqlite3.Error, OSError) as error:
        if not is_corrupt(error):
            return _in_memory(path, what, setup, error)
        try:
            aside = set_aside(path, clock())
        except OSError as move_error:
            return _in_memory(path, what, setup, move_error)
        log.warning(
            "the %s %s could not be read (%s); it was moved to %s and a new, empty one was "
            "started. The bot works on; if the old data matters, try `sqlite3 %s .recover`, "
            "otherwise delete it.",
            what,
            path,
            error,
            aside.name,
            aside,
        )
    try:
        create_private_file(path)
        return setup(path)
    except (sqlite3.Error, OSError) as error:
        return _in_memory(path, what, setup, error)


def _in_memory(path: Path, what: str, setup: Callable[[Path | str], T], error: object) -> T:
    log.warning(
        "the %s %s cannot be opened (%s); it is kept in memory until the bot stops. Check "
        "that DATA_DIR is writable and has room, then restart.",
        what,
        path,
        error,
    )
    return setup(IN_MEMORY)


def set_aside(path: Path, now: datetime) -> Path:
    """Rename ``path`` (and its -wal and -shm files) to ``NAME.corrupt-<UTC time>``."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(aside.with_name(aside.name + suffix))
    return aside
