"""The update journal: every update on disk before Telegram is told it arrived.

Telegram forgets an update once the bot confirms it: with polling, by asking for the next
offset; with a webhook, by answering 200. python-telegram-bot confirms as soon as an update
is in its ``update_queue``, long before it is answered, so a crash used to lose every update
fetched and not yet answered. Here the queue itself writes to the journal:

* ``JournalingQueue`` (the Application's ``update_queue``, shared with the ``Updater`` and
  our webhook server) writes each update to SQLite in ``put``. The Updater awaits ``put``
  for each update of a batch before it raises the offset, and the webhook awaits it before
  it answers 200, so nothing is confirmed that is not on disk. An ``update_id`` already in
  the journal (a webhook re-post, a batch fetched again after a crash) is not queued again.
* ``received`` is given each getUpdates answer as Telegram sent it (bot/http/recording.py):
  ``put`` journals those words rather than serialising the ``Update`` object again.
* ``put`` also waits while ``capacity`` updates are queued or being handled: the bot takes
  from Telegram only what it can work on, so a backlog waits at Telegram, not in memory.
* ``JournalProcessor`` (the Application's update processor) marks an update done when its
  handlers have returned (the reply sent, or the failure reported). On shutdown it starts
  nothing new and gives the updates already running ``grace`` seconds; what is left stays
  in the journal.
* On start, ``replay`` queues the updates that were not done, oldest first, before any new
  one is taken. An update that was being handled when the process died is handled again
  (its reply may have gone out: at-least-once for those, at most ``CONCURRENT_UPDATES``); one
  that has been started ``MAX_ATTEMPTS`` times without finishing is given up, so an update
  that crashes the bot cannot crash it forever.

The file is private (0600): until an update is done it holds the whole update, text and
user ids included; once done only its id and time are kept (to recognise a repeat), for
``KEEP_DONE_SECONDS``. WAL with synchronous=NORMAL: a write survives the process being
killed, not the machine losing power (the last commits may then be lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

FILE_NAME = "updates.sqlite3"
MAX_ATTEMPTS = 3  # starts (across restarts) before an unfinished update is given up
KEEP_DONE_SECONDS = 2 * 24 * 3600  # a finished update's id is remembered this long
PRUNE_EVERY_SECONDS = 3600.0
_PAGE = 200  # undone updates read per query when replaying
_SCHEMA_VERSION = 1


def create_private_file(path: Path) -> None:
    """Create ``path`` readable and writable by its owner only (0600), or tighten it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


class UpdateJournal:
    """SQLite table update_id -> (received, body while undone, done time, attempts)."""

    def __init__(self, data_dir: Path, *, clock: Any = time.time) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE_NAME
        self._clock = clock
        create_private_file(self.path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except BaseException:
            self._db.close()
            raise
        self._pruned_at = 0.0
        self.prune()

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version < 1:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS update_journal ("
                " update_id INTEGER PRIMARY KEY,"
                " received REAL NOT NULL,"
                " body TEXT,"  # the update as JSON; NULL once done
                " done REAL,"  # when it was done; NULL while it is not
                " attempts INTEGER NOT NULL DEFAULT 0)"
            )
            self._db.execute(
                "CREATE INDEX IF NOT EXISTS undone ON update_journal (update_id) WHERE done IS NULL"
            )
            self._db.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")

    def record(self, update_id: int, body: str) -> bool:
        """Write a new update; False (and nothing written) when ``update_id`` is known."""
        now = self._clock()
        if now - self._pruned_at >= PRUNE_EVERY_SECONDS:
            self.prune()
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO update_journal (update_id, received, body) VALUES (?, ?, ?)",
            (update_id, now, body),
        )
        return cursor.rowcount == 1

    def done(self, update_id: int) -> None:
        self._db.execute(
            "UPDATE update_journal SET done = ?, body = NULL WHERE update_id = ?",
            (self._clock(), update_id),
        )

    def undone_count(self) -> int:
        (count,) = self._db.execute(
            "SELECT COUNT(*) FROM update_journal WHERE done IS NULL"
        ).fetchone()
        return int(count)

    def begin_replay(self) -> int:
        """Count one more start for every undone update; give up those started too often.
        Returns how many are left to replay."""
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute("UPDATE update_journal SET attempts = attempts + 1 WHERE done IS NULL")
            given_up = self._db.execute(
                "SELECT update_id FROM update_journal WHERE done IS NULL AND attempts > ?",
                (MAX_ATTEMPTS,),
            ).fetchall()
            if given_up:
                self._db.execute(
                    "UPDATE update_journal SET done = ?, body = NULL "
                    "WHERE done IS NULL AND attempts > ?",
                    (self._clock(), MAX_ATTEMPTS),
                )
        for (update_id,) in given_up:
            log.warning("giving up update %d: it was started %d times and never finished",
                        update_id, MAX_ATTEMPTS)  # fmt: skip
        return self.undone_count()

    def undone(self) -> Iterator[tuple[int, str]]:
        """Undone updates, oldest first, read a page at a time."""
        last = -(2**63)
        while True:
            rows = self._db.execute(
                "SELECT update_id, body FROM update_journal "
                "WHERE done IS NULL AND update_id > ? ORDER BY update_id LIMIT ?",
                (last, _PAGE),
            ).fetchall()
            if not rows:
                return
            for update_id, body in rows:
                last = update_id
                yield update_id, body

    def prune(self) -> None:
        """Forget finished updates older than ``KEEP_DONE_SECONDS``."""
        now = self._clock()
        self._db.execute(
            "DELETE FROM update_journal WHERE done IS NOT NULL AND done < ?",
            (now - KEEP_DONE_SECONDS,),
        )
        self._pruned_at = now

    def close(self) -> None:
        self._db.close()


class JournalingQueue(asyncio.Queue):  # type: ignore[type-arg]
    """The Application's update queue: ``put`` journals an update before it returns.

    Anything that is not an ``Update`` (python-telegram-bot's stop signal) passes through.
    """

    def __init__(self, journal: UpdateJournal, capacity: int) -> None:
        super().__init__()
        self.journal = journal
        self.capacity = capacity
        self._room: asyncio.Semaphore | None = None  # one unit per admitted, unfinished update
        self._replayed: asyncio.Event | None = None
        self._as_received: dict[int, Any] = {}  # update_id -> the update as Telegram sent it

    def received(self, updates: list[Any]) -> None:
        """The updates of one getUpdates answer, as Telegram sent them, before they are put.

        Only the latest answer is kept: the Updater puts every update of an answer before it
        asks for the next, so an earlier answer's are all journaled (or were not Updates)."""
        self._as_received = {
            each["update_id"]: each
            for each in updates
            if isinstance(each, dict) and isinstance(each.get("update_id"), int)
        }

    def _semaphore(self) -> asyncio.Semaphore:
        if self._room is None:  # created in the running loop
            self._room = asyncio.Semaphore(self.capacity)
        return self._room

    async def put(self, item: Any) -> None:
        if not isinstance(item, Update):
            await super().put(item)
            return
        if self._replayed is not None:
            await self._replayed.wait()  # undone updates first
        await self._admit()
        try:
            body = self._as_received.pop(item.update_id, None)
            is_new = self.journal.record(
                item.update_id, json.dumps(body if body is not None else item.to_dict())
            )
        except BaseException:
            self.release()
            raise
        if not is_new:
            log.info("update %d arrived again; it is not handled twice", item.update_id)
            self.release()
            return
        await super().put(item)

    async def _admit(self) -> None:
        await self._semaphore().acquire()

    def release(self) -> None:
        """One admitted update is finished (or dropped): room for the next."""
        self._semaphore().release()

    def start_replay(self, bot: Bot) -> asyncio.Task[int]:
        """Queue every undone update from the journal (in a task); new updates wait for it."""
        self._replayed = asyncio.Event()
        return asyncio.create_task(self._replay(bot, self._replayed), name="journal-replay")

    async def _replay(self, bot: Bot, finished: asyncio.Event) -> int:
        replayed = 0
        try:
            if self.journal.begin_replay():
                for update_id, body in self.journal.undone():
                    update = _decode(update_id, body, bot)
                    if update is None:
                        self.journal.done(update_id)
                        continue
                    await self._admit()
                    await super().put(update)
                    replayed += 1
                log.info("replayed %d update(s) left unanswered by the last run", replayed)
        finally:
            finished.set()
        return replayed


def _decode(update_id: int, body: str | None, bot: Bot) -> Update | None:
    try:
        return Update.de_json(json.loads(body or "null"), bot)
    except Exception:
        log.exception("update %d in the journal cannot be read; skipping it", update_id)
        return None


class JournalProcessor(BaseUpdateProcessor):
    """Runs up to ``max_concurrent_updates`` updates at once; marks each done in the journal.

    ``begin_shutdown(grace)``: updates not yet started are left in the journal, and those
    running are cancelled if they have not finished within ``grace`` seconds.
    """

    def __init__(self, queue: JournalingQueue, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._queue = queue
        self._stopping = False
        self._running: set[asyncio.Task[Any]] = set()
        self._deadline: asyncio.TimerHandle | None = None

    async def initialize(self) -> None:
        self._stopping = False

    async def shutdown(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    @property
    def stopping(self) -> bool:
        return self._stopping

    def begin_shutdown(self, grace: float) -> None:
        if self._stopping:
            return
        self._stopping = True
        if self._running:
            log.info("finishing %d update(s) in progress (at most %g s)", len(self._running), grace)
        self._deadline = asyncio.get_running_loop().call_later(grace, self._cancel_running)

    def _cancel_running(self) -> None:
        if self._running:
            log.warning("%d update(s) not finished within the shutdown grace; they stay in the "
                        "journal for the next start", len(self._running))  # fmt: skip
        for task in list(self._running):
            task.cancel()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if self._stopping:  # left in the journal for the next start
            with contextlib.suppress(AttributeError):
                coroutine.close()  # type: ignore[attr-defined]
            self._queue.release()
            return
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        finished = False
        try:
            await coroutine
            finished = True
        finally:
            self._running.discard(task)
            if finished or not self._stopping:
                # A handler that failed has been reported (error handler): done all the same.
                self._queue.journal.done(update.update_id)
            self._queue.release()
