"""The questions asked, kept for curators: an SQLite log, private by design.

This is the store; what curators are shown of it (statistics, grouped unanswered
questions, the chart and the CSV) is made in ``bot.insights``.

Two kinds of rows, and nothing else:

* ``unanswered``: the text of every question the base did not answer (and every "did you
  mean"), with its language, time (UTC), best candidate entry and score, so a curator can
  see what to add. It never holds a user id, chat id, username or name: ``record`` is only
  given the ``Reply``, which carries none of them.
* ``daily_counts``: per day, language, kind and entry, how many questions there were. Counters
  only, no text, so answered questions leave no trace of what was asked.

Durability, by kind of record:

* an unanswered question (the text curators read) is committed before ``record`` returns:
  WAL mode with ``synchronous=NORMAL``, so once ``record`` returns the row is in the
  write-ahead log through the operating system and survives the process being killed
  (SIGKILL, OOM, crash). Only a power cut or kernel crash can lose the last few commits,
  a risk a question log can take rather than wait for the disk on each (``FULL``). Such
  questions are few, so committing each costs little.
* the per-day counters of answered questions (nearly every question) are added up in
  memory and written in one transaction every ``flush_seconds`` (1 s) by a background
  thread, with the next unanswered record, and before every read, ``purge`` and ``close``.
  Committing each of them meant a transaction and a hop to a worker thread per update, to
  add one to a counter. A killed process loses at most the counts of its last second; a
  clean shutdown (``close``) loses nothing.

Records older than ``retention_days`` are purged when the log opens and then at most once a
day, lazily, from ``record``, the readers and the background flush (python-telegram-bot's
JobQueue needs an extra we do not install, and a lazy purge needs no timer to keep alive).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.stores.data_files import check_integrity, open_database
from bot.stores.migrations import migrate, schema_version
from bot.telegram.render import valid_text
from intents.reply import EMPTY, SMALL_TALK, Reply

log = logging.getLogger(__name__)

DEFAULT_FILENAME = "questions.sqlite3"
# A question longer than this is cut before storing: a log line, not an archive of pastes.
MAX_QUESTION_CHARS = 1000
# Counters of answered questions wait in memory at most this long before they are written.
FLUSH_SECONDS = 1.0

# A row of daily_counts: day, language, kind, answered (0/1), entry ('' for none).
_CounterKey = tuple[str, str, str, int, str]

# Schema migrations (bot.stores.migrations), applied in order at start-up. Append new ones,
# never edit old ones.
_MIGRATIONS: tuple[str, ...] = (
    # 1: the unanswered questions and the per-day counters.
    """
    CREATE TABLE unanswered (
        id          INTEGER PRIMARY KEY,
        asked_at    TEXT NOT NULL,          -- ISO 8601, UTC
        day         TEXT NOT NULL,          -- YYYY-MM-DD (UTC), for purging and per-day views
        question    TEXT NOT NULL,
        normalized  TEXT NOT NULL,          -- for grouping similar questions
        language    TEXT NOT NULL,
        kind        TEXT NOT NULL,          -- intents.reply kind: not_on_file, did_you_mean, ...
        best_entry  TEXT,                   -- best candidate entry, even when not answered
        score       REAL NOT NULL
    );
    CREATE INDEX unanswered_day ON unanswered (day);
    CREATE TABLE daily_counts (
        day         TEXT NOT NULL,
        language    TEXT NOT NULL,
        kind        TEXT NOT NULL,
        answered    INTEGER NOT NULL,
        entry       TEXT NOT NULL,          -- '' when the reply matched no entry
        count       INTEGER NOT NULL,
        PRIMARY KEY (day, language, kind, answered, entry)
    );
    """,
)


def normalize_question(text: str) -> str:
    """Case, width, punctuation and spacing folded away: what curators consider the same."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        ch if not unicodedata.category(ch).startswith(("P", "S")) else " " for ch in folded
    )
    return re.sub(r"\s+", " ", kept).strip()


def as_utc(when: datetime | None) -> datetime:
    if when is None:
        return datetime.now(UTC)
    if when.tzinfo is None:  # naive times are taken as UTC, never as the server's zone
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


class QuestionLog:
    """The SQLite question log. Thread-safe: one connection behind a lock, and the counters
    not yet written behind another."""

    def __init__(
        self,
        path: Path,
        retention_days: int = 90,
        *,
        clock: Callable[[], datetime] | None = None,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        if retention_days < 1:
            raise ValueError("retention_days must be at least 1")
        self.path = Path(path)
        self.retention_days = retention_days
        self.flush_seconds = flush_seconds
        self._clock = clock or (lambda: datetime.now(UTC))
        # Lock order: _lock (the connection) before _pending_lock (the counters), never the
        # other way round; record() of an answered question takes only _pending_lock.
        self._lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: Counter[_CounterKey] = Counter()
        # A corrupt file is moved aside and a new one started; one that cannot be opened at
        # all gives way to one in memory (bot.stores.data_files): answering never waits on this.
        self._db = open_database(self.path, "question log", self._connect)
        self._last_purge: datetime | None = None
        self.purge()
        self._closing = threading.Event()
        self._flusher = threading.Thread(
            target=self._flush_periodically, name="question-log-flush", daemon=True
        )
        self._flusher.start()

    def _connect(self, target: Path | str) -> sqlite3.Connection:
        # isolation_level=None: we write BEGIN/COMMIT ourselves, so a commit is where we say.
        self._db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a commit survives a killed process; see the module docstring.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            check_integrity(self._db)
            migrate(self._db, _MIGRATIONS, self.path, "question log")
        except BaseException:
            self._db.close()
            raise
        return self._db

    @classmethod
    def in_directory(cls, data_dir: Path, retention_days: int = 90) -> QuestionLog:
        return cls(Path(data_dir) / DEFAULT_FILENAME, retention_days)

    # -- schema ---------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self._db)

    # -- writing --------------------------------------------------------------------------

    @staticmethod
    def writes_through(reply: Reply) -> bool:
        """Whether ``record(reply)`` writes to disk before returning (an unanswered question);
        the others only count in memory."""
        return reply.kind not in (EMPTY, SMALL_TALK) and not reply.answered

    def record(self, reply: Reply, when: datetime | None = None) -> None:
        """Count a question; keep its text only when it was not answered.

        An unanswered question is committed to disk, with every count still pending, before
        this returns; an answered one is counted in memory and written within
        ``flush_seconds`` (see the module docstring).
        """
        if reply.kind == EMPTY:
            return
        at = as_utc(when) if when is not None else as_utc(self._clock())
        day = at.date().isoformat()
        entry = reply.entry if reply.answered else None
        key = (day, reply.language, reply.kind, int(reply.answered), entry or "")
        if reply.answered or reply.kind == SMALL_TALK:  # small talk is counted, never kept
            with self._pending_lock:
                self._pending[key] += 1
        else:
            question = valid_text(reply.question.strip()[:MAX_QUESTION_CHARS])
            row = (
                at.isoformat(timespec="seconds"),
                day,
                question,
                normalize_question(question),
                reply.language,
                reply.kind,
                reply.best_candidate or reply.entry,
                float(reply.score),
            )
            with self._lock:
                self._write(Counter({key: 1}), row)
        self.purge_if_due()

    async def arecord(self, reply: Reply) -> None:
        """``record`` for the event loop: a count in memory right here, a disk write in a
        worker thread."""
        if self.writes_through(reply):
            await asyncio.to_thread(self.record, reply)
        else:
            self.record(reply)

    def flush(self) -> None:
        """Write the counters still in memory (one transaction)."""
        with self._lock:
            self._write(Counter(), None)

    def _write(self, counts: Counter[_CounterKey], row: tuple[object, ...] | None) -> None:
        """Commit ``counts``, every pending count and ``row`` (an unanswered question) in one
        transaction; on failure the pending counts stay pending. Call with ``_lock`` held."""
        with self._pending_lock:
            pending, self._pending = self._pending, Counter()
        everything = pending + counts
        if not everything and row is None:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT INTO daily_counts (day, language, kind, answered, entry, count) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (day, language, kind, answered, entry) "
                "DO UPDATE SET count = count + excluded.count",
                [(*key, count) for key, count in everything.items()],
            )
            if row is not None:
                self._db.execute(
                    "INSERT INTO unanswered (asked_at, day, question, normalized, language,"
                    " kind, best_entry, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            with self._pending_lock:
                self._pending.update(pending)  # counted again with the next write
            raise

    def _flush_periodically(self) -> None:
        while not self._closing.wait(self.flush_seconds):
            try:
                self.flush()
                self.purge_if_due()
            except Exception:  # a full disk now may have room later; keep counting
                log.exception("could not write the question counters")

    def purge(self, now: datetime | None = None) -> int:
        """Delete records older than the retention period; returns the questions deleted.

        The per-day counters of those days go too (pending ones are written first).
        """
        now = as_utc(now) if now is not None else as_utc(self._clock())
        cutoff = (now - timedelta(days=self.retention_days)).date().isoformat()
        with self._lock:
            self._write(Counter(), None)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                deleted = self._db.execute("DELETE FROM unanswered WHERE day < ?", (cutoff,))
                self._db.execute("DELETE FROM daily_counts WHERE day < ?", (cutoff,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._last_purge = now
        if deleted.rowcount:
            log.info("purged %d question records older than %s", deleted.rowcount, cutoff)
        return int(deleted.rowcount)

    def purge_if_due(self) -> None:
        """Purge when the last purge is a day old (``record``, ``flush`` and readers call it)."""
        now = as_utc(self._clock())
        last = self._last_purge
        if last is None or now - last >= timedelta(days=1):
            self.purge(now)

    def close(self) -> None:
        """Write what is pending and close; a log is closed once (later calls do nothing)."""
        if self._closing.is_set():
            return
        self._closing.set()
        self._flusher.join()
        with self._lock:
            try:
                self._write(Counter(), None)
            except Exception:
                log.exception("could not write the question counters on close")
            finally:
                self._db.close()

    def __enter__(self) -> QuestionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading (what bot.insights makes of it) -----------------------------------------

    def now(self) -> datetime:
        """The log's clock, in UTC: what "today" is for its readers."""
        return as_utc(self._clock())

    def daily_counts(self, first: date, last: date) -> list[tuple[str, str, str, int, str, int]]:
        """Rows ``(day, language, kind, answered, entry, count)`` from ``first`` to ``last``
        (inclusive); the counts still in memory are written first, so they are included."""
        with self._lock:
            self._write(Counter(), None)
            return self._db.execute(
                "SELECT day, language, kind, answered, entry, SUM(count) FROM daily_counts "
                "WHERE day BETWEEN ? AND ? GROUP BY day, language, kind, answered, entry",
                (first.isoformat(), last.isoformat()),
            ).fetchall()

    def unanswered_state(self) -> tuple[int, int | None]:
        """(rows, highest id) of the unanswered questions: it changes whenever a question is
        added or purged, so a reader can tell whether what it made of them is still true."""
        with self._lock:
            return self._unanswered_state()

    def _unanswered_state(self) -> tuple[int, int | None]:
        count, highest = self._db.execute("SELECT COUNT(*), MAX(id) FROM unanswered").fetchone()
        return int(count), highest

    def unanswered_rows(
        self,
    ) -> tuple[tuple[int, int | None], list[tuple[str, str, str, str | None, float, str]]]:
        """The state (see ``unanswered_state``) and every unanswered question, oldest first,
        as ``(question, normalized, language, best_entry, score, asked_at)``."""
        with self._lock:
            state = self._unanswered_state()
            rows = self._db.execute(
                "SELECT question, normalized, language, best_entry, score, asked_at "
                "FROM unanswered ORDER BY id"
            ).fetchall()
        return state, rows
