"""A fake Telegram Bot API server on 127.0.0.1: the network edge our tests and bench fake.

``http://127.0.0.1:PORT/bot<TOKEN>/<method>`` answers like the Bot API does (python-telegram-bot's
``base_url`` is ``server.base_url``), records every call, and can be told to misbehave.

Why a hand-written HTTP/1.1 server on asyncio streams: it keeps connections alive (httpx pools
them), handles thousands of requests a second, and lets fault injection do what real networks
do, including closing a connection without an answer.

Two ways to run it:
- in a test: ``with FakeTelegram() as server:`` runs it in its own thread and event loop, so the
  test's loop is free to run the Application;
- as its own process (the bench): ``python -m bot.offline --port N``; a small control
  API under ``/_control/`` queues updates and reads counts over HTTP.

Update semantics follow Telegram: getUpdates returns updates with ``update_id >= offset`` and
forgets (confirms) those below it, so an answer lost on the way is fetched again; with
``timeout`` it long-polls and wakes as soon as an update is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.offline import updates as factory
from bot.offline.bot_api import ApiError, BotApi, error_answer
from bot.offline.wire import UploadedFile, decode_params


@dataclass(frozen=True)
class Fault:
    """What the server does to one call instead of (or before) answering it normally.

    kind: ``retry_after`` (429 with parameters.retry_after), ``server_error`` (5xx),
    ``delay`` (answer after ``seconds``; longer than the client's timeout is a timeout),
    ``drop`` (close the connection, request not processed), ``drop_after`` (processed, then the
    connection is closed: the answer is lost on the way back), ``hold`` (the request waits,
    unprocessed, until ``release_held()``; processed then only if its client is still there,
    as a request still on its way when the client died never reaches Telegram), ``none``
    (answered normally: a placeholder that lets later faults in the queue start later).
    """

    kind: str
    seconds: float = 0.0
    status: int = 0

    @classmethod
    def retry_after(cls, seconds: int = 1) -> Fault:
        return cls("retry_after", seconds=seconds, status=429)

    @classmethod
    def server_error(cls, status: int = 502) -> Fault:
        return cls("server_error", status=status)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        return cls("delay", seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")

    @classmethod
    def drop_after(cls) -> Fault:
        return cls("drop_after")

    @classmethod
    def hold(cls) -> Fault:
        return cls("hold")

    @classmethod
    def none(cls) -> Fault:
        return cls("none")


@dataclass(frozen=True)
class Call:
    """One request the server received, decoded."""

    seq: int
    method: str
    params: dict[str, Any]
    time: float
    fault: str | None = None
    processed: bool = True  # False when a fault answered instead of the method
    response: Any = None  # the ``result`` returned (None when not processed)

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def delivered(self) -> bool:
        """The method took effect (e.g. the message was sent), whether or not the answer arrived."""
        return self.processed


@dataclass
class _Response:
    status: int
    body: bytes
    drop: bool = False  # close the connection without writing


class ServerAddresses:
    """Where a server on ``host:port`` answers, as python-telegram-bot is told."""

    host = "127.0.0.1"
    port = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """python-telegram-bot's ``base_url`` (the token is appended)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"


class FakeTelegram(ServerAddresses):
    """The fake Bot API server. Thread-safe public API; the server itself lives in one loop."""

    def __init__(
        self,
        token: str = factory.BOT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = factory.BOT_USERNAME,
        record: bool = True,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.record = record  # the bench turns recording off to measure the bot, not our list
        self._lock = threading.Lock()
        self._calls: list[Call] = []
        self._counts: Counter[str] = Counter()
        self._faults: dict[str, deque[Fault]] = {}
        self.api = BotApi(self.bot_id, bot_username)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self.highest_offset = 0  # largest getUpdates offset a client has sent so far
        self._in_flight = 0  # requests being answered (delayed ones included), not getUpdates
        self._release: asyncio.Event | None = None  # set: held requests go on
        self.held = 0  # requests waiting for release_held()

    # ---- lifecycle -------------------------------------------------------------------------
    async def astart(self) -> FakeTelegram:
        """Start serving in the running loop (own process or own thread)."""
        self._loop = asyncio.get_running_loop()
        self.api.wakeup = asyncio.Event()
        self._release = asyncio.Event()
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self.port, backlog=1024, limit=2**20
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def aclose(self) -> None:
        self.api.close()
        if self._server is not None:
            self._server.close()
            for writer in list(self._connections):
                writer.transport.abort()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    def start(self) -> FakeTelegram:
        """Run the server in a thread of its own, with its own event loop."""
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self.astart())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.aclose())
                loop.close()

        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        started.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _in_loop(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` in the server's loop (directly when already there)."""
        loop = self._loop
        if loop is None:
            fn()
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn()
        else:
            loop.call_soon_threadsafe(fn)

    # ---- test API: updates -----------------------------------------------------------------
    def queue_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Make ``update`` available to getUpdates (and wake a waiting long poll)."""
        self.queue_updates([update])
        return update

    def queue_updates(self, batch: Iterable[dict[str, Any]]) -> None:
        items = list(batch)

        self._in_loop(lambda: self.api.add_updates(items))

    @property
    def pending_update_count(self) -> int:
        return len(self.api.pending)

    # ---- test API: faults ------------------------------------------------------------------
    def inject(self, method: str, fault: Fault, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` ("*" for any) meet ``fault``."""
        with self._lock:
            self._faults.setdefault(method, deque()).extend([fault] * times)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def release_held(self) -> None:
        """Let every held request go on (those whose client has gone are not processed)."""
        self._in_loop(lambda: self._release.set() if self._release else None)

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for key in (method, "*"):
                queue = self._faults.get(key)
                if queue:
                    return queue.popleft()
        return None

    # ---- test API: calls -------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_of(
        self, method: str | None = None, where: Callable[[Call], bool] | None = None
    ) -> list[Call]:
        return [
            c
            for c in self.calls
            if (method is None or c.method == method) and (where is None or where(c))
        ]

    def count(self, method: str) -> int:
        """How many calls of ``method`` arrived (also counted when recording is off)."""
        with self._lock:
            return self._counts[method]

    @property
    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()
            self._counts.clear()

    async def wait_for(
        self,
        method: str | None = None,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
        poll: float = 0.002,
    ) -> list[Call]:
        """Wait (without blocking the caller's loop) until ``count`` matching calls arrived."""
        deadline = time.monotonic() + timeout
        seen = 0
        matched: list[Call] = []
        while True:
            with self._lock:
                fresh = self._calls[seen:]
                seen = len(self._calls)
            matched.extend(
                c
                for c in fresh
                if (method is None or c.method == method) and (where is None or where(c))
            )
            if len(matched) >= count:
                return matched
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"waited {timeout}s for {count} {method or 'call'}(s), saw {len(matched)}"
                )
            await asyncio.sleep(poll)

    def wait_for_sync(
        self,
        method: str | None = None,
        count: int = 1,
        where: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            matched = self.calls_of(method, where)
            if len(matched) >= count:
                return matched
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout}s for {count} {method or 'call'}(s)")
            time.sleep(0.005)

    async def wait_offset_above(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until a client asked for updates past ``update_id`` (it has taken that one)."""
        deadline = time.monotonic() + timeout
        while self.highest_offset <= update_id:
            if time.monotonic() > deadline:
                raise TimeoutError(f"update {update_id} not taken within {timeout}s")
            await asyncio.sleep(0.001)

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until no request (other than a long poll) is still being answered; a request
        the client gave up on (a timeout) may still take effect until then."""
        deadline = time.monotonic() + timeout
        while self._in_flight:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self._in_flight} request(s) still in flight after {timeout}s")
            await asyncio.sleep(0.005)

    def sent_messages(self, chat_id: Any = None) -> list[Call]:
        """sendMessage calls that took effect, optionally for one chat."""
        return self.calls_of(
            "sendMessage",
            lambda c: c.processed and (chat_id is None or c.params.get("chat_id") == chat_id),
        )

    # ---- HTTP ------------------------------------------------------------------------------
    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._connections.add(writer)
        try:
            while not self.api.closing:
                request_line = await reader.readline()
                if not request_line:
                    break
                parts = request_line.decode("latin-1").split()
                if len(parts) != 3:
                    break
                verb, target, version = parts
                headers: dict[str, str] = {}
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await self._read_body(reader, headers)
                keep_alive = (
                    version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                )
                response = await self._respond(verb, target, headers, body, reader.at_eof)
                if response.drop:
                    writer.transport.abort()
                    return
                head = (
                    f"HTTP/1.1 {response.status} {_reason(response.status)}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(response.body)}\r\n"
                    f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
                )
                writer.write(head.encode("latin-1") + response.body)
                await writer.drain()
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            self._connections.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int((await reader.readline()).split(b";")[0].strip(), 16)
                if size == 0:
                    await reader.readline()
                    return b"".join(chunks)
                chunks.append(await reader.readexactly(size))
                await reader.readline()
        return b""

    async def _respond(
        self,
        verb: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> _Response:
        split = urlsplit(target)
        path = unquote(split.path)
        if path.startswith("/_control/"):
            return await self._control(path.removeprefix("/_control/"), body)
        if path.startswith("/file/bot"):
            return self._download(path)
        if not path.startswith("/bot"):
            return _error(404, "Not Found")
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return _error(401, "Unauthorized")
        try:
            params = decode_params(headers.get("content-type", ""), body, split.query)
        except ValueError as exc:
            return _error(400, f"Bad Request: {exc}")
        return await self._call(method, params, client_gone)

    async def _call(
        self, method: str, params: dict[str, Any], client_gone: Callable[[], bool]
    ) -> _Response:
        # getUpdates may wait for its whole timeout: it does not count as work in progress.
        busy = method != "getUpdates"
        self._in_flight += busy
        try:
            return await self._answer(method, params, client_gone)
        finally:
            self._in_flight -= busy

    async def _answer(
        self, method: str, params: dict[str, Any], client_gone: Callable[[], bool]
    ) -> _Response:
        if method == "getUpdates":
            # The client only sends offset N once it has taken every update below N.
            with contextlib.suppress(TypeError, ValueError):
                self.highest_offset = max(self.highest_offset, int(params.get("offset") or 0))
        fault = self._take_fault(method)
        if fault is not None and fault.kind == "delay":
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "hold":
            assert self._release is not None
            self.held += 1
            try:
                await self._release.wait()
            finally:
                self.held -= 1
            if client_gone():
                self._record(method, params, fault, processed=False, result=None)
                return _Response(0, b"", drop=True)
        answered_by_fault = fault is not None and fault.kind in (
            "retry_after",
            "server_error",
            "drop",
        )
        result: Any = None
        error: ApiError | None = None
        if not answered_by_fault:
            try:
                result = await self.api.call(method, params)
            except ApiError as exc:
                error = exc
        self._record(
            method, params, fault, processed=not answered_by_fault and error is None, result=result
        )
        if fault is not None and fault.kind in ("drop", "drop_after"):
            return _Response(0, b"", drop=True)
        if fault is not None and fault.kind == "retry_after":
            seconds = max(1, round(fault.seconds))
            return _error(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        if fault is not None and fault.kind == "server_error":
            return _error(fault.status, _reason(fault.status))
        if error is not None:
            return _Response(error.status, _dumps(error.answer()))
        return _Response(200, _dumps({"ok": True, "result": result}))

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        fault: Fault | None,
        processed: bool,
        result: Any,
    ) -> None:
        with self._lock:
            self._counts[method] += 1
            if self.record:
                self._calls.append(
                    Call(
                        seq=len(self._calls),
                        method=method,
                        params=params,
                        time=time.time(),
                        fault=fault.kind if fault else None,
                        processed=processed,
                        response=result,
                    )
                )

    def _download(self, path: str) -> _Response:
        token_and_path = path[len("/file/bot") :]
        token, _, file_path = token_and_path.partition("/")
        if token != self.token:
            return _error(401, "Unauthorized")
        upload = self.api.files.get(file_path.rsplit("/", 1)[-1])
        if upload is None:
            return _error(404, "Not Found")
        return _Response(200, upload.data)

    # ---- control API (for the bench, where the server runs in its own process) -------------
    async def _control(self, action: str, body: bytes) -> _Response:
        if action == "updates":
            batch = json.loads(body or b"[]")
            self.queue_updates(batch if isinstance(batch, list) else [batch])
            return _Response(200, _dumps({"ok": True, "result": len(self.api.pending)}))
        if action == "counts":
            return _Response(200, _dumps({"ok": True, "result": self.counts}))
        if action == "state":
            state = {"highest_offset": self.highest_offset, "pending": len(self.api.pending)}
            return _Response(200, _dumps({"ok": True, "result": state}))
        if action == "clear":
            self.clear()
            return _Response(200, _dumps({"ok": True, "result": True}))
        if action == "calls":
            calls = [
                {
                    "method": c.method,
                    "params": _jsonable(c.params),
                    "fault": c.fault,
                    "processed": c.processed,
                }
                for c in self.calls
            ]
            return _Response(200, _dumps({"ok": True, "result": calls}))
        if action == "fault":
            spec = json.loads(body)
            fault = Fault(spec["kind"], float(spec.get("seconds", 0)), int(spec.get("status", 0)))
            self.inject(spec["method"], fault, int(spec.get("times", 1)))
            return _Response(200, _dumps({"ok": True, "result": True}))
        return _error(404, "Not Found")


# ---- helpers -----------------------------------------------------------------------------
def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()  # ASCII: lone surrogates survive


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> _Response:
    return _Response(status, _dumps(error_answer(status, description, parameters)))


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (f"<file {v.filename} {len(v.data)} bytes>" if isinstance(v, UploadedFile) else v)
        for k, v in params.items()
    }
