"""The curator's operations: the work list, adding a phrasing, declining, undo; one place for all.

``Curator`` is what ``/unanswered``, its buttons, ``/undo`` and ``/edits`` call, and what
``python -m bot curate`` calls. An edit goes like this, and stops at the first thing wrong,
having written nothing:

1. take the edit lock (a thread lock, and ``flock`` on ``DATA_DIR/curation.lock`` for a
   ``curate`` command run beside the bot), then read the base from disk again, so an edit
   another admin made a moment ago is built on, never overwritten;
2. write the change into the entry's file text (``bot.curation.yaml_edit``), in a
   temporary copy of the whole base, and run every check of ``bot check`` on that copy
   (``knowledge.loader.check_knowledge``); the copy must also differ from the base in that
   one phrasing only;
3. write the file (a temporary file beside it, fsync, rename: never half a file), reload
   the serving base through its store (``KnowledgeStore.reload``: loaded in a child
   process, swapped atomically), and when that fails anyway restore the file;
4. record the edit (time, admin id, entry, phrasing, the file's hashes and bytes before).

Undo restores the file's bytes from before the edit when nothing changed it since; when
another edit of the same file came after, it takes the phrasing out of the file as it is
now (so the later edit stays), validated the same way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.curation.edit_log import ADD, UNDO, Edit, EditLog, WorkItem
from bot.curation.yaml_edit import EditError, add_phrasing, remove_phrasing
from bot.insights.grouping import QuestionGroup
from bot.stores.data_files import create_private_file
from bot.stores.knowledge import KnowledgeStore, ReloadOutcome, Snapshot
from bot.stores.question_log import MAX_QUESTION_CHARS, normalize_question
from intents.analysis import Analyser
from intents.decision import MAX_SUGGESTIONS
from intents.matcher import Matcher, matcher_for
from intents.reply import SMALL_TALK
from knowledge import KnowledgeBase, Problem
from knowledge.diff import diff_bases
from knowledge.loader import check_knowledge

try:
    import fcntl
except ImportError:  # Windows: the thread lock alone (one bot process per base there)
    fcntl = None  # type: ignore[assignment]

# The admin id recorded for edits made with ``python -m bot curate`` (no Telegram user has 0).
CLI_ADMIN_ID = 0
# Candidate entries offered per group: as many as a "did you mean" offers users.
CANDIDATES_SHOWN = MAX_SUGGESTIONS
LOCK_FILENAME = "curation.lock"

# Why an edit was not made (the faces turn each into a sentence).
UNKNOWN_ENTRY = "unknown_entry"
UNKNOWN_LANGUAGE = "unknown_language"
EMPTY_PHRASING = "empty_phrasing"
TOO_LONG = "too_long"
ALREADY_THERE = "already_there"  # ``other`` names the entry that has it
READ_ONLY = "read_only"
CHECK_FAILED = "check_failed"  # ``problems`` lists what the checks found
NOTHING_TO_UNDO = "nothing_to_undo"
NOT_EDITABLE = "not_editable"  # the file is not YAML the round-trip editor can rewrite
RELOAD_FAILED = "reload_failed"  # written, but the bot could not load it: restored


@dataclass(frozen=True, slots=True)
class CandidateEntry:
    entry: str
    confidence: float  # calibrated chance this entry is the one asked for, 0..1


@dataclass(frozen=True, slots=True)
class WorkGroup:
    """One line of the work list: similar unanswered questions and where they could go."""

    example: str
    language: str  # detected language of the example
    count: int
    languages: tuple[str, ...]
    variants: tuple[str, ...]
    normalized: tuple[str, ...]  # every wording of the group, as the question log folds it
    candidates: tuple[CandidateEntry, ...]


@dataclass(frozen=True, slots=True)
class WeakenedPhrasing:
    entry: str
    language: str
    phrasing: str
    reached: str | None  # the entry it reaches now, held out (None: no entry)


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """What an add or an undo did, or why it did nothing (``refusal``)."""

    action: str  # ADD or UNDO
    entry: str
    language: str
    phrasing: str
    refusal: str | None = None
    problems: tuple[Problem, ...] = ()
    other: str | None = None  # ALREADY_THERE: the entry that has the phrasing
    edit: Edit | None = None
    reload: ReloadOutcome | None = None  # None when no bot is served from this process
    # The phrasing asked as a question of the new base: the entry it gets (None: declined).
    reached: str | None = None
    assessed: bool = False  # whether ``reached`` and ``weakened`` were measured
    # Phrasings of other entries that reached their own entry held out, and no longer do.
    weakened: tuple[WeakenedPhrasing, ...] = field(default=())
    # An undo: the file restored byte for byte (False: a later edit of it was kept, and
    # only this phrasing was taken out).
    exact: bool = True

    @property
    def ok(self) -> bool:
        return self.refusal is None


class _Refused(Exception):
    def __init__(self, refusal: str, *, problems: Sequence[Problem] = (), other: str | None = None):
        super().__init__(refusal)
        self.refusal = refusal
        self.problems = tuple(problems)
        self.other = other


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def clean_phrasing(text: str) -> str:
    """One line, single spaces: how phrasings are written in the base."""
    return " ".join(text.split())


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data``: a temporary file beside it, fsync, rename, fsync the
    directory. Readers see the old file or the new one, never a mix; the mode is kept."""
    mode = stat.S_IMODE(path.stat().st_mode)
    # A dot name and no .yaml suffix: neither the loader nor the file watcher looks at it.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def is_read_only(path: Path) -> bool:
    """Whether ``path`` must not be written: no permission, a read-only file system, or the
    owner's write bit taken away (``chmod a-w``, which even root is meant to respect here)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return not os.access(path, os.W_OK) or not mode & stat.S_IWUSR


class Curator:
    """The curation operations on one base directory, logged in ``edit_log``.

    ``store`` is the store the bot answers from: edits are reloaded through it and assessed
    against its snapshots. Without one (a test, or a script that only edits) an edit is
    validated and written but neither reloaded nor assessed.
    """

    def __init__(
        self,
        directory: Path | str,
        edit_log: EditLog,
        lock_path: Path | None,
        *,
        store: KnowledgeStore | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.edit_log = edit_log
        self.store = store
        self._thread_lock = threading.Lock()
        self._lock_path = lock_path
        if lock_path is not None:
            create_private_file(lock_path)

    @classmethod
    def for_data_dir(
        cls,
        directory: Path | str,
        data_dir: Path,
        *,
        store: KnowledgeStore | None = None,
        retention_days: int = 90,
    ) -> Curator:
        data_dir.mkdir(parents=True, exist_ok=True)
        log = EditLog.in_directory(data_dir, retention_days)
        return cls(directory, log, data_dir / LOCK_FILENAME, store=store)

    def close(self) -> None:
        self.edit_log.close()

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with self._thread_lock:
            if self._lock_path is None or fcntl is None:
                yield
                return
            with open(self._lock_path, "rb+") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # -- the work list --------------------------------------------------------------------

    def read_only(self) -> bool:
        """Whether the base cannot be edited (its directory or any YAML file is read-only)."""
        if is_read_only(self.directory):
            return True
        return any(
            is_read_only(path) or is_read_only(path.parent)
            for path in self.directory.rglob("*.yaml")
        )

    def work_list(self, groups: Sequence[QuestionGroup], limit: int | None) -> list[WorkGroup]:
        """``groups`` not yet reviewed, most frequent first, each with its candidate entries
        ranked by the serving base's matcher and their calibrated confidence."""
        reviewed = self.edit_log.reviewed()
        matcher = self._matcher()
        work: list[WorkGroup] = []
        for group in groups:
            if limit is not None and len(work) >= limit:
                break
            wordings = (group.example, *group.variants)
            normalized = tuple(dict.fromkeys(normalize_question(text) for text in wordings))
            if all(text in reviewed for text in normalized):
                continue
            hint = group.languages[0] if group.languages else None
            analyser = matcher.analyser
            language = analyser.detector.choose(analyser.guess_language(group.example), hint)
            ranked = matcher.ranked(analyser.analyse(group.example, language), CANDIDATES_SHOWN)
            work.append(
                WorkGroup(
                    example=group.example,
                    language=language,
                    count=group.count,
                    languages=group.languages,
                    variants=group.variants,
                    normalized=normalized,
                    candidates=tuple(CandidateEntry(c.entry, c.confidence) for c in ranked),
                )
            )
        return work

    def issue(self, group: WorkGroup, admin_id: int) -> str:
        """A token for the buttons of ``group``, shown to ``admin_id``."""
        return self.edit_log.issue(
            admin_id,
            group.example,
            group.language,
            group.normalized,
            [c.entry for c in group.candidates],
        )

    def item(self, token: str, admin_id: int) -> WorkItem | None:
        """The work item behind a button, when it was shown to this admin."""
        found = self.edit_log.item(token)
        return found if found is not None and found.admin_id == admin_id else None

    def decline(self, item: WorkItem, admin_id: int) -> None:
        """ "Not on file, keep declining": the group leaves the work list."""
        self.edit_log.decline(item.normalized, admin_id)

    def edits(self, limit: int | None = 20) -> list[Edit]:
        return self.edit_log.edits(limit)

    # -- editing --------------------------------------------------------------------------

    def add(
        self,
        entry_id: str,
        phrasing: str,
        admin_id: int,
        *,
        language: str | None = None,
        resolves: Sequence[str] = (),
        assess: bool = True,
    ) -> EditOutcome:
        """Add ``phrasing`` to the questions of ``entry_id`` (in ``language``, else the one it
        is written in); ``resolves`` are the work list's questions it settles."""
        text = clean_phrasing(phrasing)
        chosen = language or ""
        with self._locked():
            try:
                old = self._base_on_disk()
                chosen = language or self._detect(old, text)
                self._check_addable(old, entry_id, chosen, text)
                path, relative = self._file_of(old, entry_id)
                before = path.read_bytes()
                try:
                    after = add_phrasing(before.decode("utf-8"), entry_id, chosen, text).encode(
                        "utf-8"
                    )
                except (EditError, UnicodeDecodeError):
                    raise _Refused(NOT_EDITABLE) from None
                self._validate(old, relative, after, entry_id, chosen, text, added=True)
                previous = self.store.current if self.store is not None else None
                reload = self._land(path, before, after)
            except _Refused as refused:
                return EditOutcome(
                    ADD, entry_id, chosen, text, refused.refusal, refused.problems, refused.other
                )
            edit = self.edit_log.record(
                admin_id=admin_id,
                action=ADD,
                entry=entry_id,
                language=chosen,
                phrasing=text,
                file=relative,
                before_sha256=sha256(before),
                after_sha256=sha256(after),
                before_content=before,
                reviewed=resolves,
            )
        outcome = EditOutcome(ADD, entry_id, chosen, text, edit=edit, reload=reload)
        return self._assessed(outcome, previous) if assess else outcome

    def undo(self, admin_id: int, *, assess: bool = True) -> EditOutcome:
        """Revert ``admin_id``'s latest edit that is not undone yet."""
        with self._locked():
            last = self.edit_log.last_undoable(admin_id)
            if last is None:
                return EditOutcome(UNDO, "", "", "", NOTHING_TO_UNDO)
            edit, original = last
            try:
                old = self._base_on_disk()
                path = self.directory / edit.file
                if is_read_only(path) or is_read_only(path.parent):
                    raise _Refused(READ_ONLY)
                current = path.read_bytes()
                exact = sha256(current) == edit.after_sha256
                if exact:
                    restored = original  # nothing changed it since: the exact bytes
                else:  # a later edit of this file stays; only this phrasing goes
                    try:
                        restored = remove_phrasing(
                            current.decode("utf-8"), edit.entry, edit.language, edit.phrasing
                        ).encode("utf-8")
                    except (EditError, UnicodeDecodeError):
                        raise _Refused(NOT_EDITABLE) from None
                self._validate(
                    old, edit.file, restored, edit.entry, edit.language, edit.phrasing, added=False
                )
                previous = self.store.current if self.store is not None else None
                reload = self._land(path, current, restored)
            except _Refused as refused:
                return EditOutcome(
                    UNDO,
                    edit.entry,
                    edit.language,
                    edit.phrasing,
                    refused.refusal,
                    refused.problems,
                    refused.other,
                )
            record = self.edit_log.record(
                admin_id=admin_id,
                action=UNDO,
                entry=edit.entry,
                language=edit.language,
                phrasing=edit.phrasing,
                file=edit.file,
                before_sha256=sha256(current),
                after_sha256=sha256(restored),
                before_content=current,
                undoes=edit.id,
            )
        outcome = EditOutcome(
            UNDO, edit.entry, edit.language, edit.phrasing, edit=record, reload=reload, exact=exact
        )
        return self._assessed(outcome, previous) if assess else outcome

    # -- the steps ------------------------------------------------------------------------

    def _matcher(self) -> Matcher:
        if self.store is not None:
            return self.store.current.responder.matcher
        return matcher_for(self._base_on_disk())

    def _base_on_disk(self) -> KnowledgeBase:
        base, problems = check_knowledge(self.directory)
        if base is None:  # broken by hand since the last reload: nothing is built on it
            raise _Refused(CHECK_FAILED, problems=[p for p in problems if p.severity == "error"])
        return base

    def _detect(self, base: KnowledgeBase, text: str) -> str:
        """The language ``text`` is written in, as the bot would tell it."""
        serving = self.store.current.responder.analyser if self.store is not None else None
        if serving is not None and serving.detector.languages == base.languages:
            analyser = serving
        else:
            analyser = Analyser(base)
        return analyser.detector.choose(analyser.guess_language(text))

    @staticmethod
    def _check_addable(base: KnowledgeBase, entry_id: str, language: str, text: str) -> None:
        if entry_id not in base.entries:
            raise _Refused(UNKNOWN_ENTRY)
        if language not in base.languages:
            raise _Refused(UNKNOWN_LANGUAGE)
        if not text:
            raise _Refused(EMPTY_PHRASING)
        if len(text) > MAX_QUESTION_CHARS:
            raise _Refused(TOO_LONG)
        folded = normalize_question(text)
        for entry in base.entries.values():
            for phrasings in entry.questions.values():
                if any(normalize_question(p) == folded for p in phrasings):
                    raise _Refused(ALREADY_THERE, other=entry.id)

    def _file_of(self, base: KnowledgeBase, entry_id: str) -> tuple[Path, str]:
        origin = base.entries[entry_id].origin
        if origin is None:
            raise _Refused(NOT_EDITABLE)
        path = self.directory / origin.file
        if is_read_only(path) or is_read_only(path.parent):
            raise _Refused(READ_ONLY)
        return path, origin.file

    def _validate(
        self,
        old: KnowledgeBase,
        relative: str,
        content: bytes,
        entry_id: str,
        language: str,
        text: str,
        *,
        added: bool,
    ) -> None:
        """Every check of ``bot check`` on a copy of the base holding ``content``, and the
        copy must differ from ``old`` in this one phrasing of this one entry."""
        with tempfile.TemporaryDirectory(prefix="curation-") as scratch:
            copy = Path(scratch) / "base"
            shutil.copytree(self.directory, copy, symlinks=True)
            (copy / relative).write_bytes(content)
            new, problems = check_knowledge(copy)
        if new is None:
            raise _Refused(CHECK_FAILED, problems=[p for p in problems if p.severity == "error"])
        diff = diff_bases(old, new)
        before = old.entries[entry_id].questions.get(language, ())
        after = new.entries.get(entry_id)
        expected = list(before)
        if added:
            expected.append(text)
        elif text in expected:
            del expected[len(expected) - 1 - expected[::-1].index(text)]
        unexpected = [
            kind for kind in ("facts", "quotes", "entities", "sources") if getattr(diff, kind)
        ]
        if (
            after is None
            or diff.title
            or diff.languages
            or unexpected
            or diff.entries.added
            or diff.entries.removed
            or set(diff.entries.changed) - {entry_id}
            or list(after.questions.get(language, ())) != expected
        ):
            raise _Refused(
                CHECK_FAILED,
                problems=[
                    Problem(relative, 0, "the edit would change more than this one phrasing")
                ],
            )

    def _land(self, path: Path, before: bytes, after: bytes) -> ReloadOutcome | None:
        """Write ``after``; reload the serving base; restore ``before`` if that fails."""
        try:
            write_atomically(path, after)
        except PermissionError:
            raise _Refused(READ_ONLY) from None
        except OSError as error:
            raise _Refused(READ_ONLY if error.errno == 30 else NOT_EDITABLE) from None  # EROFS
        if self.store is None:
            return None
        outcome = self.store.reload()
        if not outcome.ok:
            write_atomically(path, before)
            self.store.reload()
            raise _Refused(RELOAD_FAILED, problems=outcome.problems)
        return outcome

    def _assessed(self, outcome: EditOutcome, previous: Snapshot | None) -> EditOutcome:
        """Whether the phrasing now reaches its entry, and whose phrasings got weaker."""
        if self.store is None or previous is None:
            return outcome
        current = self.store.current
        reply = current.responder.reply(
            outcome.phrasing, language_hint=outcome.language, language=outcome.language
        )
        reached = reply.entry if reply.answered or reply.kind == SMALL_TALK else None
        return dataclasses.replace(
            outcome,
            reached=reached,
            assessed=True,
            weakened=weakened(previous.responder.matcher, current.responder.matcher, outcome),
        )


def _held_out(matcher: Matcher) -> dict[tuple[str, str, str], str | None]:
    """(entry, language, phrasing) -> the entry its held-out ranking put first."""
    found: dict[tuple[str, str, str], str | None] = {}
    for held in matcher.held_out:
        key = (
            matcher.entry_ids[held.entry],
            matcher.phrasing_languages[held.phrasing],
            matcher.phrasings[held.phrasing],
        )
        found[key] = matcher.entry_ids[held.best] if held.best >= 0 else None
    return found


def weakened(before: Matcher, after: Matcher, edit: EditOutcome) -> tuple[WeakenedPhrasing, ...]:
    """Phrasings of other entries that reached their own entry held out before the edit and
    do not after. Only phrasings held out in both cross-validations are compared (a large
    base holds out a sample), so a phrasing never counts as weakened by being sampled."""
    old, new = _held_out(before), _held_out(after)
    found = []
    for key, reached in new.items():
        entry, language, phrasing = key
        if entry == edit.entry and phrasing == edit.phrasing:
            continue
        if key in old and old[key] == entry and reached != entry:
            found.append(WeakenedPhrasing(entry, language, phrasing, reached))
    return tuple(sorted(found, key=lambda w: (w.entry, w.language, w.phrasing)))
