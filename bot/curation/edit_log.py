"""What curators did, in SQLite in ``DATA_DIR`` (``curation.sqlite3``, 0600 like every data file).

Three tables:

* ``edits``: every edit of the base, one row each: when (UTC), the admin's numeric
  Telegram id (0 for the command line), what (``add`` a phrasing, or ``undo`` an earlier
  edit), the entry, language and phrasing, the file, its SHA-256 before and after, and its
  bytes before, so that an undo restores the file exactly. An undo is an edit too, and the
  edit it undid points to it (``undone_by``).
* ``reviewed``: questions (as ``normalize_question`` folds them) a curator has dealt with,
  added as a phrasing or marked "not on file": they stop coming back to the work list.
* ``work_items``: what a button of ``/unanswered`` stands for (the question, its language,
  its group and the candidate entries), under a random token. The button carries only the
  token, so nobody can make a button add a phrasing to an entry it did not offer.

The question texts in ``reviewed`` and ``work_items`` are purged with the question log's
retention (``ANALYTICS_RETENTION_DAYS``); the edit log is kept, it is the base's history.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.stores.data_files import check_integrity, open_database

DEFAULT_FILENAME = "curation.sqlite3"
ADD, UNDO = "add", "undo"
# What a reviewed question became.
ADDED, DECLINED = "added", "declined"
# Random bytes of a work item's token: 9 bytes are 18 hex digits, short enough for callback
# data (64 bytes) and 72 bits that nobody guesses.
_TOKEN_BYTES = 9

_MIGRATIONS: tuple[str, ...] = (
    # 1: the edit log, the reviewed questions and the work items of /unanswered.
    """
    CREATE TABLE edits (
        id              INTEGER PRIMARY KEY,
        at              TEXT NOT NULL,          -- ISO 8601, UTC
        admin_id        INTEGER NOT NULL,       -- Telegram user id; 0: the command line
        action          TEXT NOT NULL,          -- add | undo
        entry           TEXT NOT NULL,
        language        TEXT NOT NULL,
        phrasing        TEXT NOT NULL,
        file            TEXT NOT NULL,          -- relative to the base directory
        before_sha256   TEXT NOT NULL,
        after_sha256    TEXT NOT NULL,
        before_content  BLOB NOT NULL,          -- the file as it was, for an exact undo
        undoes          INTEGER REFERENCES edits (id),
        undone_by       INTEGER REFERENCES edits (id)
    );
    CREATE INDEX edits_admin ON edits (admin_id, id);
    CREATE TABLE reviewed (
        normalized      TEXT PRIMARY KEY,
        at              TEXT NOT NULL,
        admin_id        INTEGER NOT NULL,
        outcome         TEXT NOT NULL,          -- added | declined
        edit_id         INTEGER REFERENCES edits (id)
    );
    CREATE TABLE work_items (
        token           TEXT PRIMARY KEY,
        at              TEXT NOT NULL,
        admin_id        INTEGER NOT NULL,       -- the admin it was shown to
        question        TEXT NOT NULL,
        language        TEXT NOT NULL,
        normalized      TEXT NOT NULL,          -- JSON list: the group's questions, folded
        candidates      TEXT NOT NULL           -- JSON list of entry ids, best first
    );
    """,
)


class EditLogError(Exception):
    """The edit log cannot be opened (e.g. written by a newer version)."""


@dataclass(frozen=True, slots=True)
class Edit:
    id: int
    at: datetime
    admin_id: int
    action: str
    entry: str
    language: str
    phrasing: str
    file: str
    before_sha256: str
    after_sha256: str
    undoes: int | None = None
    undone_by: int | None = None


@dataclass(frozen=True, slots=True)
class WorkItem:
    """What the buttons of one group in ``/unanswered`` act on."""

    token: str
    admin_id: int
    question: str
    language: str
    normalized: tuple[str, ...]
    candidates: tuple[str, ...]


_EDIT_COLUMNS = (
    "id, at, admin_id, action, entry, language, phrasing, file, before_sha256, after_sha256,"
    " undoes, undone_by"
)


def _edit(row: Sequence[object]) -> Edit:
    values = list(row)
    values[1] = datetime.fromisoformat(str(values[1]))
    return Edit(*values)  # type: ignore[arg-type]


class EditLog:
    """The curation database. Thread-safe: one connection behind a lock; SQLite's own locking
    (WAL, a busy timeout) serialises it with other processes (``python -m bot curate``)."""

    def __init__(
        self,
        path: Path,
        retention_days: int = 90,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.path = Path(path)
        self.retention_days = retention_days
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._db = open_database(self.path, "curation log", self._connect)
        self.purge()

    @classmethod
    def in_directory(cls, data_dir: Path, retention_days: int = 90) -> EditLog:
        return cls(Path(data_dir) / DEFAULT_FILENAME, retention_days)

    def _connect(self, target: Path | str) -> sqlite3.Connection:
        db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # FULL: an edit of the base is rare, and its record (the way back) must survive
            # a power cut as surely as the file it describes.
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA busy_timeout=5000")
            check_integrity(db)
            _migrate(db, self.path)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="seconds")

    # -- edits ----------------------------------------------------------------------------

    def record(
        self,
        *,
        admin_id: int,
        action: str,
        entry: str,
        language: str,
        phrasing: str,
        file: str,
        before_sha256: str,
        after_sha256: str,
        before_content: bytes,
        undoes: int | None = None,
        reviewed: Iterable[str] = (),
    ) -> Edit:
        """Record an edit (and, for an add, the questions it resolves) in one transaction.

        An undo marks the edit it undid and forgets the questions that edit resolved, so
        they come back to the work list.
        """
        at = self._now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    "INSERT INTO edits (at, admin_id, action, entry, language, phrasing, file,"
                    " before_sha256, after_sha256, before_content, undoes)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (at, admin_id, action, entry, language, phrasing, file, before_sha256,
                     after_sha256, before_content, undoes),
                )  # fmt: skip
                edit_id = int(cursor.lastrowid or 0)
                if undoes is not None:
                    self._db.execute(
                        "UPDATE edits SET undone_by = ? WHERE id = ?", (edit_id, undoes)
                    )
                    self._db.execute("DELETE FROM reviewed WHERE edit_id = ?", (undoes,))
                self._db.executemany(
                    "INSERT OR REPLACE INTO reviewed (normalized, at, admin_id, outcome, edit_id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(text, at, admin_id, ADDED, edit_id) for text in reviewed],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            row = self._db.execute(
                f"SELECT {_EDIT_COLUMNS} FROM edits WHERE id = ?", (edit_id,)
            ).fetchone()
        return _edit(row)

    def last_undoable(self, admin_id: int) -> tuple[Edit, bytes] | None:
        """The admin's latest add that is not undone yet, with the file's bytes before it."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_EDIT_COLUMNS}, before_content FROM edits WHERE admin_id = ?"
                " AND action = ? AND undone_by IS NULL ORDER BY id DESC LIMIT 1",
                (admin_id, ADD),
            ).fetchone()
        if row is None:
            return None
        return _edit(row[:-1]), bytes(row[-1])

    def edits(self, limit: int | None = 20) -> list[Edit]:
        """The latest edits, newest first."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_EDIT_COLUMNS} FROM edits ORDER BY id DESC LIMIT ?",
                (-1 if limit is None else limit,),
            ).fetchall()
        return [_edit(row) for row in rows]

    # -- reviewed questions ---------------------------------------------------------------

    def decline(self, normalized: Iterable[str], admin_id: int) -> None:
        """Mark questions as reviewed and not on file: the work list leaves them out."""
        at = self._now()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR REPLACE INTO reviewed (normalized, at, admin_id, outcome, edit_id)"
                    " VALUES (?, ?, ?, ?, NULL)",
                    [(text, at, admin_id, DECLINED) for text in normalized],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def reviewed(self) -> frozenset[str]:
        with self._lock:
            return frozenset(r[0] for r in self._db.execute("SELECT normalized FROM reviewed"))

    # -- work items -----------------------------------------------------------------------

    def issue(
        self,
        admin_id: int,
        question: str,
        language: str,
        normalized: Sequence[str],
        candidates: Sequence[str],
    ) -> str:
        """Store a work item; returns its token (18 hex digits)."""
        token = secrets.token_hex(_TOKEN_BYTES)
        with self._lock:
            self._db.execute(
                "INSERT INTO work_items (token, at, admin_id, question, language, normalized,"
                " candidates) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (token, self._now(), admin_id, question, language,
                 json.dumps(list(normalized), ensure_ascii=False), json.dumps(list(candidates))),
            )  # fmt: skip
        return token

    def item(self, token: str) -> WorkItem | None:
        with self._lock:
            row = self._db.execute(
                "SELECT token, admin_id, question, language, normalized, candidates"
                " FROM work_items WHERE token = ?",
                (token,),
            ).fetchone()
        if row is None:
            return None
        token_, admin_id, question, language, normalized, candidates = row
        return WorkItem(
            token_,
            int(admin_id),
            question,
            language,
            tuple(json.loads(normalized)),
            tuple(json.loads(candidates)),
        )

    def purge(self) -> None:
        """Forget question texts older than the retention period (not the edits)."""
        cutoff = (self._clock() - timedelta(days=self.retention_days)).astimezone(UTC)
        stamp = cutoff.isoformat(timespec="seconds")
        with self._lock:
            self._db.execute("DELETE FROM work_items WHERE at < ?", (stamp,))
            self._db.execute("DELETE FROM reviewed WHERE at < ? AND outcome = ?", (stamp, DECLINED))


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(_MIGRATIONS):
        raise EditLogError(
            f"{path} has schema version {version}, newer than this program knows "
            f"({len(_MIGRATIONS)}); upgrade the bot or move the file away"
        )
    for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
        db.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
