"""Each user's chosen reply language (/language), kept in SQLite so it survives restarts.

Only users who chose a language are stored, and only their numeric id and the language
code: "automatic" deletes the row. Every update asks and only /language writes, so reads
come from memory: when the choices fit the cache (nearly always: few users ever choose) all
of them are loaded at start and a user not among them has none, without a query; beyond
that, the most recently asked users are cached and the others looked up.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path

from bot.stores.data_files import check_integrity, open_database

FILE_NAME = "preferences.sqlite3"
_SCHEMA_VERSION = 1
_MISSING = ""  # cached "no preference", distinct from a language code


class Preferences:
    def __init__(self, data_dir: Path, *, cache_size: int = 100_000) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE_NAME
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, str] = OrderedDict()
        self._cache_size = cache_size
        # A corrupt file is moved aside and a new one started (bot.stores.data_files).
        self._db = open_database(self.path, "language preferences", self._connect)
        # True while _cache holds every choice there is (and nothing else).
        self._complete = False
        (count,) = self._db.execute("SELECT COUNT(*) FROM language_preference").fetchone()
        if count <= cache_size:
            rows = self._db.execute("SELECT user_id, language FROM language_preference")
            self._cache.update(rows.fetchall())
            self._complete = True

    def _connect(self, target: Path | str) -> sqlite3.Connection:
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")  # a confirmed choice must not be lost
            check_integrity(self._db)
            self._migrate()
        except BaseException:
            self._db.close()
            raise
        return self._db

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version < 1:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS language_preference ("
                " user_id INTEGER PRIMARY KEY,"
                " language TEXT NOT NULL)"
            )
            self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    def language_of(self, user_id: int) -> str | None:
        """The language ``user_id`` chose, or None for automatic."""
        with self._lock:
            cached = self._cache.get(user_id)
            if self._complete:
                return cached
            if cached is not None:
                self._cache.move_to_end(user_id)
                return cached or None
            row = self._db.execute(
                "SELECT language FROM language_preference WHERE user_id = ?", (user_id,)
            ).fetchone()
            self._remember(user_id, row[0] if row else _MISSING)
            return row[0] if row else None

    def set_language(self, user_id: int, language: str | None) -> None:
        """Remember ``language`` for ``user_id``; None goes back to automatic."""
        with self._lock:
            if language:
                self._db.execute(
                    "INSERT INTO language_preference (user_id, language) VALUES (?, ?) "
                    "ON CONFLICT(user_id) DO UPDATE SET language = excluded.language",
                    (user_id, language),
                )
            else:
                self._db.execute("DELETE FROM language_preference WHERE user_id = ?", (user_id,))
            self._remember(user_id, language or _MISSING)

    def _remember(self, user_id: int, language: str) -> None:
        if self._complete:
            if language:
                self._cache[user_id] = language
            else:
                self._cache.pop(user_id, None)
            if len(self._cache) <= self._cache_size:
                return
            self._complete = False  # too many to hold them all: a cache of the recent ones
        self._cache[user_id] = language
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def close(self) -> None:
        with self._lock:
            self._db.close()
