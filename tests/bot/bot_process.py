"""``python -m bot run`` as a real process, for tests that signal or kill it."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """``python -m bot run`` in a subprocess, its stderr collected line by line."""

    def __init__(
        self, env: dict[str, str], cwd: Path, *args: str, open_files: int | None = None
    ) -> None:
        """``open_files``: the process's limit of open files (RLIMIT_NOFILE), to run out of."""

        def limit() -> None:
            if open_files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=cwd,
            env={"PATH": os.environ.get("PATH", "/usr/bin"), "PYTHONPATH": str(ROOT), **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=limit,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def wait_for_log(self, fragment: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(fragment in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {fragment!r} in the log:\n{''.join(self.lines)}")
            time.sleep(0.02)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=5)
        return code

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine or the OOM killer strikes."""
        self.process.kill()
        self.process.wait(timeout=30)
        self._reader.join(timeout=5)

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.process.pid}/fd"))

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        raise AssertionError("no VmRSS")


def run_bot_once(
    cwd: Path, env: dict[str, str], *args: str, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """``python -m bot run ARGS`` to its end (it is expected to stop by itself), stdin closed."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
