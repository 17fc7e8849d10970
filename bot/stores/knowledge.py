"""The base the bot is serving, and swapping it for a new one without a restart.

A ``Snapshot`` pairs a loaded ``KnowledgeBase`` with the ``Responder`` built from it. The
store holds exactly one current snapshot and replaces it by assigning a single reference,
after the new base *and* its responder are fully built. A handler reads ``store.current``
once per update and answers from that snapshot only, so an answer under way finishes on
the base it started with and no reply ever mixes two bases. Reading an attribute is atomic
in Python, so readers need no lock; only reloads are serialised among themselves.

A reload that fails (the curator's edit is broken) changes nothing: the problems go back to
whoever asked (``/reload``, SIGHUP, the file watcher) and into the log, and the last good
base keeps serving.

A reload reads the base in a child process with a memory limit (``bot.stores.isolated_load``), so
a hostile base can fail but cannot take the bot down; the first load, at start-up, reads
it in-process (a base that does not load stops the start anyway), within the same limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.stores.isolated_load import DEFAULT_MEMORY_LIMIT, load_in_child
from bot.stores.learning import learn_in_child
from bot.stores.models import ModelFiles
from bot.texts import text
from intents.formats import format_moment, format_number
from intents.matcher import LearnedModels, is_learned, learning_key
from intents.responder import REMEMBERED_REPLIES, Responder
from knowledge import KnowledgeBase, KnowledgeError, Language, Problem
from knowledge.diff import BaseDiff, KindDiff, diff_bases
from knowledge.loader import load_knowledge

log = logging.getLogger(__name__)

# What a directory looked like: (relative path, mtime in ns, size) of every file in it.
Fingerprint = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One base and the responder built from it; never changes once made."""

    kb: KnowledgeBase
    responder: Responder
    loaded_at: datetime  # UTC
    load_seconds: float


_ALWAYS_COUNTED = ("entries", "facts", "quotes")
# Ids named per kind and change before "…": enough to recognise an edit, short for a chat.
_MAX_IDS_NAMED = 5


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """What a reload did. ``problems`` are errors when it failed, warnings when it worked."""

    ok: bool
    problems: tuple[Problem, ...]
    diff: BaseDiff | None
    seconds: float
    previous_loaded_at: datetime | None = None  # the base still serving after a failure

    def summary(self, language: Language = "en") -> str:
        """Plain text for the admin who asked (escape it before rendering as HTML)."""
        lines: list[str]
        if not self.ok:
            at = (
                format_moment(self.previous_loaded_at, language) if self.previous_loaded_at else "?"
            )
            count = format_number(len(self.problems), language)
            lines = [text("reload_failed", language, count=count, at=at)]
            lines += [str(p) for p in self.problems]
            return "\n".join(lines)
        lines = [text("reload_ok", language, seconds=format_number(self.seconds, language))]
        if self.diff is not None:
            lines += _diff_lines(self.diff, language)
        if self.problems:
            lines.append(text("reload_warnings", language))
            lines += [str(p) for p in self.problems]
        return "\n".join(lines)


def _diff_lines(diff: BaseDiff, language: Language) -> list[str]:
    """Counts for entries, facts and quotes (always), entities and sources (when changed),
    each followed by the ids added (+), removed (-) and changed (~)."""
    if diff.unchanged:
        return [text("reload_unchanged", language)]
    lines = []
    if diff.title:
        lines.append(f"{diff.title[0]} → {diff.title[1]}")
    if diff.languages:
        lines.append(f"{', '.join(diff.languages[0])} → {', '.join(diff.languages[1])}")
    for kind in ("entries", "facts", "quotes", "entities", "sources"):
        change: KindDiff = getattr(diff, kind)
        if kind not in _ALWAYS_COUNTED and not change:
            continue
        lines.append(
            text(
                "reload_kind",
                language,
                label=text(f"kind.{kind}", language),
                total=format_number(change.total, language),
                added=format_number(len(change.added), language),
                removed=format_number(len(change.removed), language),
                changed=format_number(len(change.changed), language),
            )
        )
        for sign, ids in (("+", change.added), ("-", change.removed), ("~", change.changed)):
            if ids:
                named = ", ".join(ids[:_MAX_IDS_NAMED])
                if len(ids) > _MAX_IDS_NAMED:
                    named += f", … (+{len(ids) - _MAX_IDS_NAMED})"
                lines.append(f"  {sign} {named}")
    return lines


def directory_fingerprint(directory: Path) -> Fingerprint:
    """Every file under ``directory`` with its modification time and size.

    Cheap enough to poll every second (stat calls only, no reading) and needs no
    file-watching dependency; an editor that saves by rename changes the mtime too.
    """
    found: list[tuple[str, int, int]] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name.endswith("~"):  # editor swap and backup files
                continue
            path = Path(root, name)
            with contextlib.suppress(FileNotFoundError):  # deleted between listing and stat
                st = path.stat()
                found.append((str(path.relative_to(directory)), st.st_mtime_ns, st.st_size))
    return tuple(found)


try:
    _C_LIBRARY: ctypes.CDLL | None = ctypes.CDLL(None)  # the process's own C library
except OSError:
    _C_LIBRARY = None


def give_back_freed_memory() -> None:
    """Hand the heap that is free again back to the system (glibc's ``malloc_trim``).

    Learning a base (intents.matcher) allocates and frees some 50 MB of small objects, and
    glibc keeps freed heap for the process unless asked: a bot that learned its base itself
    kept about 40 MB it no longer used (make bench, memory, before bases were learned in a
    child); restoring one frees the file's bytes too. Elsewhere (another C library, another
    system) there is no such call, and nothing is done.
    """
    trim = getattr(_C_LIBRARY, "malloc_trim", None)
    if trim is not None:
        trim(0)


class KnowledgeStore:
    """Holds the current ``Snapshot``; ``reload`` swaps it only for a fully valid base."""

    def __init__(
        self,
        directory: Path | str,
        *,
        reload_memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
        models: LearnedModels | None = None,
        remembered_replies: int = REMEMBERED_REPLIES,
    ) -> None:
        """Load the base in ``directory``; raises ``KnowledgeError`` when it is broken.

        Reloads read the base in a child process limited to ``reload_memory_limit`` bytes
        of address space; ``None`` reads it in this process instead. ``models`` keeps what
        was learned from a base (``bot.stores.models``), so an unchanged base is not
        learned again at the next start. ``remembered_replies``: how many replies each
        snapshot keeps for questions asked again (``intents.responder``).
        """
        self.directory = Path(directory)
        self.reload_memory_limit = reload_memory_limit
        self.models = models
        self.remembered_replies = remembered_replies
        self._reload_lock = threading.Lock()  # one reload at a time, whatever thread asks
        self._areload_lock = asyncio.Lock()  # waiting coroutines queue here, not in threads
        self._fingerprint = directory_fingerprint(self.directory)
        self._current = self._build()
        log.info(
            "knowledge base %s loaded in %.2f s: %d entries, %d facts, %d quotes",
            self.directory,
            self._current.load_seconds,
            len(self._current.kb.entries),
            len(self._current.kb.facts),
            len(self._current.kb.quotes),
        )

    @property
    def current(self) -> Snapshot:
        """The snapshot to answer from. Read it once per update and keep using that one."""
        return self._current

    def _build(self, *, isolated: bool = False) -> Snapshot:
        started = time.perf_counter()
        if isolated and self.reload_memory_limit is not None:
            kb = load_in_child(self.directory, memory_limit=self.reload_memory_limit)
        else:
            kb = load_knowledge(self.directory)
        self._learn_apart(kb)
        responder = Responder(kb, self.models, remembered=self.remembered_replies)
        give_back_freed_memory()
        return Snapshot(
            kb=kb,
            responder=responder,
            loaded_at=datetime.now(UTC),
            load_seconds=time.perf_counter() - started,
        )

    def _learn_apart(self, kb: KnowledgeBase) -> None:
        """With model files, a base not learned yet is learned by a child process
        (``bot.stores.learning``), and the Responder then restores it from its file."""
        if not isinstance(self.models, ModelFiles) or is_learned(kb):
            return
        if not self.models.holds(learning_key(kb)):
            learn_in_child(kb, self.models.directory)

    def reload(self) -> ReloadOutcome:
        """Load and validate the directory again; swap only if all of it is valid."""
        with self._reload_lock:
            started = time.perf_counter()
            fingerprint = directory_fingerprint(self.directory)
            old = self._current
            try:
                new = self._build(isolated=True)
            except KnowledgeError as error:
                problems = error.problems
            except Exception as error:  # a bug must not take the serving base down with it
                log.exception("unexpected error while reloading %s", self.directory)
                problems = (Problem(str(self.directory), 0, f"unexpected error: {error!r}"),)
            else:
                diff = diff_bases(old.kb, new.kb)
                self._current = new  # the swap: one reference, after everything is built
                self._fingerprint = fingerprint
                outcome = ReloadOutcome(
                    ok=True,
                    problems=tuple(new.kb.warnings),
                    diff=diff,
                    seconds=time.perf_counter() - started,
                )
                log.info(
                    "knowledge base %s reloaded in %.2f s: %s",
                    self.directory,
                    outcome.seconds,
                    _counts(diff),
                )
                return outcome
            # Remember what was tried, so the watcher waits for the next edit instead of
            # retrying the same broken files every second.
            self._fingerprint = fingerprint
            log.warning(
                "knowledge base %s NOT reloaded, still serving the one loaded at %s; "
                "%d problem(s):\n%s",
                self.directory,
                old.loaded_at.isoformat(timespec="seconds"),
                len(problems),
                "\n".join(str(p) for p in problems),
            )
            return ReloadOutcome(
                ok=False,
                problems=tuple(problems),
                diff=None,
                seconds=time.perf_counter() - started,
                previous_loaded_at=old.loaded_at,
            )

    async def areload(self) -> ReloadOutcome:
        """``reload`` in a worker thread, so the bot keeps answering while it loads."""
        async with self._areload_lock:
            return await asyncio.to_thread(self.reload)

    def changed_on_disk(self) -> bool:
        """Whether the files differ from those of the last reload attempt."""
        return directory_fingerprint(self.directory) != self._fingerprint

    async def watch(
        self, interval: float = 1.0, *, on_reload: Callable[[ReloadOutcome], object] | None = None
    ) -> None:
        """Reload whenever the base's files change; runs until cancelled.

        Debounced: a change is acted on once the files have stayed the same for one more
        interval, so an editor writing several files (or one file in steps) causes a single
        reload of the finished edit.
        """
        log.info("watching %s for changes every %.1f s", self.directory, interval)
        while True:
            await asyncio.sleep(interval)
            if not await asyncio.to_thread(self.changed_on_disk):
                continue
            settled = await asyncio.to_thread(directory_fingerprint, self.directory)
            while True:
                await asyncio.sleep(interval)
                now = await asyncio.to_thread(directory_fingerprint, self.directory)
                if now == settled:
                    break
                settled = now
            log.info("files of %s changed, reloading", self.directory)
            outcome = await self.areload()
            if on_reload is not None:
                on_reload(outcome)


def _counts(diff: BaseDiff) -> str:
    parts = []
    for kind in ("entries", "facts", "quotes"):
        change = getattr(diff, kind)
        parts.append(
            f"{change.total} {kind} (+{len(change.added)} -{len(change.removed)} "
            f"~{len(change.changed)})"
        )
    return ", ".join(parts)


def install_reload_signal(loop: asyncio.AbstractEventLoop, store: KnowledgeStore) -> bool:
    """Reload ``store`` on SIGHUP (``kill -HUP <pid>``); False where that is unsupported.

    The handler runs on ``loop`` and only schedules ``areload``; the outcome is logged by
    the reload itself. Call from the thread running ``loop`` (signals go to the main thread).
    """
    sighup = getattr(signal, "SIGHUP", None)
    if sighup is None:  # Windows
        return False
    pending: set[asyncio.Task[ReloadOutcome]] = set()

    def on_sighup() -> None:
        log.info("SIGHUP received, reloading %s", store.directory)
        task = loop.create_task(store.areload())
        pending.add(task)  # keep a reference until done, or the task may be collected
        task.add_done_callback(pending.discard)

    try:
        loop.add_signal_handler(sighup, on_sighup)
    except (NotImplementedError, RuntimeError, ValueError):
        # NotImplementedError: loops without signal support; RuntimeError/ValueError: not
        # the main thread.
        log.warning("SIGHUP reload not available on this platform or thread")
        return False
    return True
