"""The webhook endpoint: a small HTTP/1.1 server on asyncio streams, hard to knock over.

python-telegram-bot's own webhook server (tornado) reads the whole body, up to 100 MB,
before it looks at the secret, has no limit on connections and no timeout for a client that
never finishes its request, and logs every failed ``accept`` with a traceback. This one
serves exactly what Telegram needs (``POST`` of one JSON update to one path) and:

* checks the ``X-Telegram-Bot-Api-Secret-Token`` header (in constant time) before reading
  a byte of the body, and refuses a body over ``MAX_BODY_BYTES`` (Telegram's updates are a
  few kilobytes) from its ``Content-Length`` alone;
* gives a request ``HEADER_TIMEOUT`` seconds for its head and ``BODY_TIMEOUT`` for its body,
  and a kept-alive connection ``IDLE_TIMEOUT`` seconds between requests;
* holds at most ``max_connections`` connections: when a new one arrives at the limit, the
  connection that has waited longest without sending a request is closed to make room, so
  idle connections cannot lock Telegram out, and the process never runs out of files;
* logs failures to accept (out of files, say) at most once per ``ACCEPT_LOG_INTERVAL`` with
  a count of those left out, never a traceback per connection.

An update is answered 200 only after ``update_queue.put`` returned, i.e. after the journal
has it (bot/stores/journal.py); a repeated ``update_id`` is answered 200 and not handled again.
It listens on 127.0.0.1 by default: TLS belongs to a proxy in front (see the README).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import resource
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"
MAX_BODY_BYTES = 1 << 20  # 1 MiB
MAX_HEAD_BYTES = 16 * 1024  # request line and headers together
MAX_HEADERS = 64
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0
IDLE_TIMEOUT = 30.0
MAX_CONNECTIONS = 200  # Telegram opens at most 100 (setWebhook max_connections)
FILES_KEPT_FREE = 64  # files left for the database, the Bot API connections, logs
TELEGRAM_MAX_CONNECTIONS = 40  # what we ask Telegram for (its default)
ACCEPT_LOG_INTERVAL = 60.0


class _Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(eq=False)
class _Connection:
    writer: asyncio.StreamWriter
    # since when it has sent no complete request head; None: a request is being handled
    waiting_since: float | None = field(default_factory=time.monotonic)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.transport.abort()


class WebhookServer:
    def __init__(
        self,
        *,
        listen: str,
        port: int,
        path: str,
        secret: str,
        update_queue: asyncio.Queue,  # type: ignore[type-arg]
        bot: Bot,
        max_connections: int | None = None,
        header_timeout: float = HEADER_TIMEOUT,
        idle_timeout: float = IDLE_TIMEOUT,
        body_timeout: float = BODY_TIMEOUT,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.listen = listen
        self.port = port
        self.path = "/" + path.strip("/")
        self._secret = secret.encode()
        self._queue = update_queue
        self._bot = bot
        self.max_connections = max_connections or connection_limit()
        self._header_timeout = header_timeout
        self._idle_timeout = idle_timeout
        self._body_timeout = body_timeout
        self._max_body = max_body_bytes
        self._connections: set[_Connection] = set()
        self._server: asyncio.Server | None = None
        self._accept_log = _RateLimitedLog(ACCEPT_LOG_INTERVAL)
        self._previous_handler: Any = None

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._previous_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._loop_exception)
        # asyncio accepts up to ``backlog`` connections in one go before any of them is
        # served (and the idlest closed to make room): the burst must fit in the files
        # left besides the connections kept, or accept fails with EMFILE.
        backlog = max(8, min(128, self.max_connections // 2))
        self._server = await asyncio.start_server(
            self._serve, self.listen, self.port, limit=MAX_HEAD_BYTES, backlog=backlog
        )
        if not self.port:
            self.port = self._server.sockets[0].getsockname()[1]
        log.info("webhook server listening on %s:%d", self.listen, self.port)

    async def close(self) -> None:
        """Stop accepting; let requests being read finish briefly, then drop the rest."""
        if self._server is None:
            return
        self._server.close()
        for connection in list(self._connections):
            if connection.waiting_since is not None:
                connection.close()
        deadline = time.monotonic() + 2.0
        while any(c.waiting_since is None for c in self._connections):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.02)
        for connection in list(self._connections):
            connection.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 2.0)
        self._server = None
        asyncio.get_running_loop().set_exception_handler(self._previous_handler)

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        """asyncio reports a failed ``accept`` (EMFILE...) here, retrying a second later."""
        message = str(context.get("message", ""))
        if "accept" in message:
            error = context.get("exception")
            self._accept_log.warning("webhook server cannot accept connections: %s", error)
            return
        if self._previous_handler is not None:
            self._previous_handler(loop, context)
        else:
            loop.default_exception_handler(context)

    def _make_room(self) -> None:
        """At the limit: close the connection that has waited longest without a request."""
        idle = [c for c in self._connections if c.waiting_since is not None]
        if idle:
            oldest = min(idle, key=lambda c: c.waiting_since or 0.0)
            self._connections.discard(oldest)
            oldest.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._connections) >= self.max_connections:
            self._make_room()
        if len(self._connections) >= self.max_connections:  # every one is mid-request
            writer.transport.abort()
            return
        connection = _Connection(writer)
        self._connections.add(connection)
        try:
            first = True
            while True:
                connection.waiting_since = time.monotonic()
                timeout = self._header_timeout if first else self._idle_timeout
                first = False
                try:
                    async with asyncio.timeout(timeout):
                        request_line = await reader.readline()
                    if not request_line:
                        return
                    async with asyncio.timeout(self._header_timeout):
                        headers = await _read_headers(reader)
                    # Only a complete head makes a request worth keeping: a connection that
                    # trickles its headers (slowloris) stays first in line to be closed.
                    connection.waiting_since = None
                    keep_alive = await self._handle(request_line, headers, reader, writer)
                except _Refused as refused:
                    await _respond(writer, refused.status, refused.reason, keep_alive=False)
                    return
                except (TimeoutError, ValueError, asyncio.LimitOverrunError):
                    return  # too slow, or not HTTP: just close
                if not keep_alive:
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._connections.discard(connection)
            connection.close()

    async def _handle(
        self,
        request_line: bytes,
        headers: dict[str, str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> bool:
        parts = request_line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _Refused(400, "Bad Request")
        verb, target, version = parts
        # The secret first: nothing else about a request without it is looked at.
        token = headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(token, self._secret):
            raise _Refused(403, "Forbidden")
        if target.split("?", 1)[0].rstrip("/") != self.path.rstrip("/"):
            raise _Refused(404, "Not Found")
        if verb != "POST":
            raise _Refused(405, "Method Not Allowed")
        if "chunked" in headers.get("transfer-encoding", "").lower():
            raise _Refused(411, "Length Required")
        length_text = headers.get("content-length", "")
        if not length_text.isdigit():
            raise _Refused(411, "Length Required")
        length = int(length_text)
        if length > self._max_body:
            raise _Refused(413, "Content Too Large")
        async with asyncio.timeout(self._body_timeout):
            body = await reader.readexactly(length)
        try:
            update = Update.de_json(json.loads(body), self._bot)
        except Exception:
            raise _Refused(400, "Bad Request") from None
        if update is not None:
            await self._queue.put(update)  # journaled before the 200 below
        keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
        await _respond(writer, 200, "OK", keep_alive=keep_alive)
        return keep_alive


def connection_limit() -> int:
    """``MAX_CONNECTIONS``, or fewer when the process may not open that many files."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(8, min(MAX_CONNECTIONS, (soft - FILES_KEPT_FREE) // 2))


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = await reader.readline()
        if line in (b"\r\n", b"\n"):
            return headers
        if not line.endswith(b"\n"):
            raise ValueError("connection closed in the headers")
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    raise ValueError("too many headers")


async def _respond(
    writer: asyncio.StreamWriter, status: int, reason: str, *, keep_alive: bool
) -> None:
    body = b"{}" if status == 200 else json.dumps({"ok": False, "error": reason}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    with contextlib.suppress(ConnectionError):
        async with asyncio.timeout(5.0):
            await writer.drain()


class _RateLimitedLog:
    """A warning at most once per ``interval`` seconds, with how many were left out."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._last = -float("inf")
        self._suppressed = 0

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            self._suppressed += 1
            return
        if self._suppressed:
            message += f" ({self._suppressed} more since the last report)"
        log.warning(message, *args)
        self._last, self._suppressed = now, 0
