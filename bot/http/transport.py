"""HTTP between the bot and the Bot API: HTTP/1.1 keep-alive connections on asyncio streams.

python-telegram-bot's own transport, ``HTTPXRequest``, spends about 1.9 ms of CPU on every
Bot API call here (see ``make bench``: httpx, httpcore, anyio and h11 are most of a bare echo
bot's time), more than the bot spends understanding the question. The calls the bot makes
all the time are all alike: a small POST to one host, a small JSON answer. This transport
does exactly that, in about a quarter of the time, and hands everything else to an
``HTTPXRequest`` it keeps for the purpose:

* POST without files: the parameters as a JSON body (the Bot API accepts
  ``application/json`` for every method without uploads), over a pooled connection;
* uploads (multipart: the admin's CSV and chart) and other verbs (file downloads): httpx.

Connections: at most ``pool_size`` requests at once (waiting up to ``pool_timeout`` for a
free slot, as with httpx); idle connections are kept per host, newest first, and dropped
when the server has closed them or after ``IDLE_SECONDS``, so a connection a NAT or proxy
silently dropped is not reused. TLS uses httpx's own certificate settings (certifi, or
``SSL_CERT_FILE``/``SSL_CERT_DIR``). Errors are what ``HTTPXRequest`` raises: ``TimedOut``
for timeouts (connect, write, read, pool), ``NetworkError`` for everything else on the
wire, never with the URL in the message (it holds the token). ``build_application`` uses
``HTTPXRequest`` throughout when a proxy is configured in the environment (``HTTPS_PROXY``
and friends), which this transport does not speak.
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

IDLE_SECONDS = 30.0  # an idle connection older than this is closed instead of reused
PROXY_VARIABLES = ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY")


def proxy_configured(environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Whether the environment names a proxy (httpx honours these; this transport does not)."""
    return any(environ.get(name) or environ.get(name.lower()) for name in PROXY_VARIABLES)


class _ProtocolError(Exception):
    """The server's answer is not the HTTP/1.x this transport reads."""


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = field(default_factory=time.monotonic)

    def reusable(self, now: float) -> bool:
        return (
            not self.reader.at_eof()
            and not self.writer.is_closing()
            and now - self.idle_since < IDLE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


_Origin = tuple[str, str, int]  # scheme, host, port


class TelegramTransport(BaseRequest):
    """A python-telegram-bot ``BaseRequest``: pooled HTTP/1.1 keep-alive, JSON bodies."""

    def __init__(
        self,
        pool_size: int = 8,
        *,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        self.pool_size = pool_size
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._pool_timeout = pool_timeout
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._slots: asyncio.Semaphore | None = None
        self._ssl: ssl.SSLContext | None = None
        # Uploads and downloads: rare, and httpx does multipart well.
        self._httpx = HTTPXRequest(
            connection_pool_size=2,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            pool_timeout=pool_timeout,
        )

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.pool_size)
        await self._httpx.initialize()

    async def shutdown(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        self._slots = None
        await self._httpx.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        # Each timeout is a float, None (no limit) or DEFAULT_NONE (this transport's default).
        if method != "POST" or (request_data is not None and request_data.contains_files):
            return await self._httpx.do_request(
                url,
                method,
                request_data,
                read_timeout,  # type: ignore[arg-type]
                write_timeout,  # type: ignore[arg-type]
                connect_timeout,  # type: ignore[arg-type]
                pool_timeout,  # type: ignore[arg-type]
            )
        if self._slots is None:
            raise RuntimeError("This TelegramTransport is not initialized!")
        target = urlsplit(url)
        # The parameters as one JSON object, nested values (keyboards, options) as objects.
        # ASCII-escaped, so even a lone surrogate is valid JSON on the way out.
        parameters = request_data.parameters if request_data is not None else {}
        body = json.dumps(parameters, separators=(",", ":")).encode("ascii")
        path = f"{target.path}?{target.query}" if target.query else target.path
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {target.netloc}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("ascii") + body
        origin = (target.scheme, target.hostname or "", target.port or _default_port(target.scheme))
        try:
            async with asyncio.timeout(_chosen(pool_timeout, self._pool_timeout)):
                await self._slots.acquire()
        except TimeoutError:
            raise TimedOut(
                "Pool timeout: all connections are busy; the request was *not* sent"
            ) from None
        try:
            return await self._exchange(
                origin,
                request,
                _chosen(connect_timeout, self._connect_timeout),
                _chosen(write_timeout, self._write_timeout),
                _chosen(read_timeout, self._read_timeout),
            )
        finally:
            self._slots.release()

    async def _exchange(
        self,
        origin: _Origin,
        request: bytes,
        connect_timeout: float | None,
        write_timeout: float | None,
        read_timeout: float | None,
    ) -> tuple[int, bytes]:
        connection = self._idle_connection(origin) or await self._connect(origin, connect_timeout)
        try:
            connection.writer.write(request)
            async with asyncio.timeout(write_timeout):
                await connection.writer.drain()
            async with asyncio.timeout(read_timeout):
                status, payload, keep_alive = await _read_response(connection.reader)
        except TimeoutError:
            connection.close()
            raise TimedOut() from None
        except _ProtocolError as error:
            connection.close()
            raise NetworkError(str(error)) from error
        except (OSError, EOFError, ValueError) as error:  # reset, cut short, garbled
            connection.close()
            raise NetworkError(f"{type(error).__name__}: {error}") from error
        except BaseException:  # cancelled mid-exchange: the connection's state is unknown
            connection.close()
            raise
        if keep_alive:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(origin, []).append(connection)
        else:
            connection.close()
        return status, payload

    def _idle_connection(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()  # the most recently used: the least likely to be stale
            if connection.reusable(now):
                return connection
            connection.close()
        return None

    async def _connect(self, origin: _Origin, timeout: float | None) -> _Connection:
        scheme, host, port = origin
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=self._ssl_context() if scheme == "https" else None
                )
        except TimeoutError:
            raise TimedOut("Timed out while connecting") from None
        except OSError as error:
            raise NetworkError(f"cannot connect to {host}:{port}: {error}") from error
        return _Connection(reader, writer)

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl


def _chosen(value: object, default: float | None) -> float | None:
    """A per-call timeout when the caller chose one (None: no limit), else the default."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return value if isinstance(value, int | float) or value is None else default


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, whether the connection stays open) of one HTTP/1.x response."""
    status_line = await reader.readline()
    if not status_line:
        raise _ProtocolError("the server closed the connection without answering")
    version, _, rest = status_line.partition(b" ")
    code = rest[:3]
    if not version.startswith(b"HTTP/1.") or not code.isdigit():
        raise _ProtocolError(f"not an HTTP/1.x response: {status_line[:40]!r}")
    status = int(code)
    keep_alive = version == b"HTTP/1.1"
    length: int | None = None
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n"):
            break
        if not line:
            raise _ProtocolError("the connection closed in the middle of the headers")
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep_alive = value != b"close" and (keep_alive or value == b"keep-alive")
    if chunked:
        body = await _read_chunks(reader)
    elif length is not None:
        body = await reader.readexactly(length)
    else:  # the body ends where the connection does
        body, keep_alive = await reader.read(), False
    return status, body, keep_alive


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    chunks: list[bytes] = []
    while True:
        size = int((await reader.readline()).split(b";", 1)[0].strip() or b"x", 16)
        if size == 0:
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readline()  # the CRLF after each chunk
