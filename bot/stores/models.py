"""Learned matchers kept in files, so that a base is learned once, not at every start.

Learning a base (``intents.matcher.Matcher``) analyses every phrasing, fits the retrieval
models and cross-validates the calibration: 3.7 s for the shipped base, 17 s for the
10,000-entry bench base on this 2-core machine. What it learns depends only on the base's
files and the learning code, and ``intents.matcher.learning_key`` names both; so the bot,
``bot console`` and ``bot curate`` share what any of them learned, in
``DATA_DIR/models/<key>.pickle``. Restoring takes 0.07 s for the shipped base.

A file holds the payload (a pickle) and then its SHA-256. The pickle is streamed to the
file through the hash and read back through a view, so the model is never held twice as
bytes (16 MB for the shipped base). A file whose digest does not match (a write cut short,
a full disk) is deleted and learned again; it is never unpickled. Pickle runs code when
it loads, so the directory is the bot's own (mode 0700, files 0600): whoever can write
there can already change the bot's data. Only the ``KEEP`` most recently used files
stay, so the folder does not grow with every edit.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

# Files kept: the base serving now, the one before it (an undo brings it back at once),
# and one more (the console or a curator's trial edit beside the bot).
KEEP = 3
_DIGEST = hashlib.sha256().digest_size
_SUFFIX = ".pickle"


class _Hashing:
    """A binary file that hashes what is written to it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)


class ModelFiles:
    """``intents.matcher.LearnedModels`` in a directory of files."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    @classmethod
    def in_data_dir(cls, data_dir: Path | str) -> ModelFiles:
        return cls(Path(data_dir) / "models")

    def _path(self, key: str) -> Path:
        if not key or not all(c.isalnum() or c == "-" for c in key):
            raise ValueError(f"not a model key: {key!r}")
        return self.directory / f"{key}{_SUFFIX}"

    def holds(self, key: str) -> bool:
        """Whether a file for ``key`` is there (whether it is sound, ``get`` tells)."""
        return self._path(key).is_file()

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        view = memoryview(data)
        payload, digest = view[:-_DIGEST], view[-_DIGEST:]
        if len(data) <= _DIGEST or hashlib.sha256(payload).digest() != digest:
            log.warning("learned model %s is damaged; it is learned again", path.name)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        try:
            learned = pickle.loads(payload)  # our own file, its digest checked
        except Exception:  # written by another version of a library: learn again
            log.warning("learned model %s cannot be read; it is learned again", path.name)
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the last to be pruned
        return learned if isinstance(learned, dict) else None

    def put(self, key: str, learned: dict[str, Any]) -> None:
        """Write the file whole or not at all; a failure is logged, never raised (the bot
        answers from the model in memory either way)."""
        path = self._path(key)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    hashing = _Hashing(out)
                    pickle.dump(learned, hashing, protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(hashing.digest.digest())
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(temporary, 0o600)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except Exception as error:
            log.warning("could not keep the learned model in %s: %s", self.directory, error)
            return
        self._prune()

    def _prune(self) -> None:
        try:
            files = sorted(
                self.directory.glob(f"*{_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True
            )
        except OSError:
            return
        for old in files[KEEP:]:
            with contextlib.suppress(OSError):
                old.unlink()
