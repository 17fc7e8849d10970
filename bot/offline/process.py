"""The fake Bot API server in a process of its own, driven over its ``/_control/`` API.

In a separate process the server has a core (and a GIL) to itself, so a burst measures the
bot, not two event loops taking turns in one interpreter. The bench uses it, and so can any
test that needs the same methods ``BotUnderTest`` calls on ``FakeTelegram``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.offline.server import Call, Fault, ServerAddresses
from bot.offline.updates import BOT_TOKEN, BOT_USERNAME

_REPO = Path(__file__).resolve().parents[2]


class FakeTelegramProcess(ServerAddresses):
    """``python -m bot.offline`` as a child process (a context manager)."""

    def __init__(self, token: str = BOT_TOKEN, *, record: bool = True) -> None:
        self.token = token
        self.bot_username = BOT_USERNAME
        self.bot_id = int(token.split(":", 1)[0])
        self.record = record
        self.port = 0
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> FakeTelegramProcess:
        command = [sys.executable, "-m", "bot.offline", "--token", self.token]
        if not self.record:
            command.append("--no-record")
        self._process = subprocess.Popen(
            command, cwd=_REPO, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(f"fake server did not start: {line!r}")
        self.port = int(line.split()[1])
        return self

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def __enter__(self) -> FakeTelegramProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    # ---- the same surface as FakeTelegram (addresses from ServerAddresses) ---------------
    def _control(self, action: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.url}/_control/{action}",
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())["result"]

    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        self.queue_updates([update])
        return update

    def queue_updates(self, batch: Iterable[dict[str, Any]]) -> None:
        self._control("updates", list(batch))

    def inject(self, method: str, fault: Fault, times: int = 1) -> None:
        self._control(
            "fault",
            {"method": method, "kind": fault.kind, "seconds": fault.seconds,
             "status": fault.status, "times": times},
        )  # fmt: skip

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._control("counts"))

    def count(self, method: str) -> int:
        return self.counts.get(method, 0)

    @property
    def highest_offset(self) -> int:
        return int(self._control("state")["highest_offset"])

    @property
    def pending_update_count(self) -> int:
        return int(self._control("state")["pending"])

    @property
    def calls(self) -> list[Call]:
        return [
            Call(index, c["method"], c["params"], 0.0, c["fault"], c["processed"], None)
            for index, c in enumerate(self._control("calls"))
        ]

    def sent_messages(self, chat_id: Any = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == "sendMessage"
            and c.processed
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def clear(self) -> None:
        self._control("clear", {})

    async def wait_offset_above(self, update_id: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while await asyncio.to_thread(lambda: self.highest_offset) <= update_id:
            if time.monotonic() > deadline:
                raise TimeoutError(f"update {update_id} not taken within {timeout}s")
            await asyncio.sleep(0.01)

    async def wait_count(
        self, method: str, count: int, timeout: float = 60.0, poll: float = 0.01
    ) -> None:
        """Wait until ``count`` calls of ``method`` arrived (polling the counts)."""
        deadline = time.monotonic() + timeout
        while await asyncio.to_thread(self.count, method) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{method}: fewer than {count} calls within {timeout}s")
            await asyncio.sleep(poll)
