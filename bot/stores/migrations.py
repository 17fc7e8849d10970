"""Schema migrations of our SQLite files, applied in order when a file opens.

``PRAGMA user_version`` holds how many steps have run. A store lists its steps as SQL
scripts; new ones are appended, old ones never edited, so a file from an older version is
brought forward step by step, each step in its own transaction.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)


class SchemaError(Exception):
    """A database written by a newer version of the program than this one."""


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, steps: Sequence[str], path: Path, what: str) -> None:
    """Run the ``steps`` that ``db`` (the file at ``path``, holding ``what``) has not had.

    ``db`` must be in autocommit mode (``isolation_level=None``): each step writes its own
    ``BEGIN``/``COMMIT``.
    """
    version = schema_version(db)
    if version > len(steps):
        raise SchemaError(
            f"{path} has schema version {version}, newer than this program "
            f"knows ({len(steps)}); upgrade the bot or move the file away"
        )
    for number, script in enumerate(steps[version:], start=version + 1):
        # One transaction per step, user_version included (it is transactional), so a
        # crash mid-migration leaves the previous version intact.
        db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        log.info("%s %s migrated to schema version %d", what, path, number)
