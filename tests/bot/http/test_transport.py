"""The bot's HTTP transport: what it sends, how it reads answers, how it keeps and drops
connections, and which errors it raises. The other side is the fake Bot API server, or a
scripted HTTP server where the test needs an answer no Bot API gives."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.http.transport import TelegramTransport, proxy_configured
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory

pytestmark = pytest.mark.timeout(30)

TOKEN = factory.BOT_TOKEN


@contextlib.asynccontextmanager
async def open_transport(pool_size: int = 4, **timeouts: float) -> AsyncIterator[TelegramTransport]:
    transport = TelegramTransport(pool_size, **timeouts)
    await transport.initialize()
    try:
        yield transport
    finally:
        await transport.shutdown()


async def test_a_bot_on_the_transport_talks_json_to_the_bot_api(
    fake_telegram: FakeTelegram,
) -> None:
    async with open_transport() as transport:
        bot = Bot(TOKEN, base_url=fake_telegram.base_url, request=transport)
        async with bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="q:1")]])
            sent = await bot.send_message(42, "Düsseldorf <b>日本</b>", reply_markup=keyboard)

    (call,) = fake_telegram.calls_of("sendMessage")
    assert call.params["text"] == "Düsseldorf <b>日本</b>"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "More", "callback_data": "q:1"}]]
    }
    assert sent.text == "Düsseldorf <b>日本</b>" and sent.chat.id == 42


async def test_uploads_go_through_httpx_as_multipart(fake_telegram: FakeTelegram) -> None:
    async with open_transport() as transport:
        bot = Bot(TOKEN, base_url=fake_telegram.base_url, request=transport)
        async with bot:
            await bot.send_document(42, io.BytesIO(b"count,question\r\n"), filename="q.csv")

    (call,) = fake_telegram.calls_of("sendDocument")
    assert call.params["document"].data == b"count,question\r\n"


# ---- a scripted server ------------------------------------------------------------------

Script = Callable[["ScriptedServer", asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class ScriptedServer:
    """Accepts connections on 127.0.0.1 and lets ``script`` answer each one."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []  # (head, body)
        self.url = ""

    async def read_request(self, reader: asyncio.StreamReader) -> bool:
        head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
        if not head:
            return False
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        self.requests.append((head, await reader.readexactly(length)))
        return True

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            await self.script(self, reader, writer)
        writer.close()


@contextlib.asynccontextmanager
async def scripted(script: Script) -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer(script)
    listener = await asyncio.start_server(server._serve, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    server.url = f"http://127.0.0.1:{port}/bot{TOKEN}/getMe"
    async with listener:
        yield server


def ok(body: bytes = b'{"ok":true,"result":true}', *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in headers)
    return f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body


def answering(*responses: bytes) -> Script:
    """A script answering every request on a connection with the next response in turn."""
    queue = list(responses)

    async def script(
        server: ScriptedServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while queue and await server.read_request(reader):
            writer.write(queue.pop(0))
            await writer.drain()

    return script


async def post(transport: TelegramTransport, url: str) -> tuple[int, bytes]:
    """A call without parameters (what the bot sends is in the first test)."""
    return await transport.do_request(url, "POST", RequestData())


async def test_one_connection_carries_request_after_request() -> None:
    async with scripted(answering(*[ok()] * 5)) as server, open_transport() as transport:
        for _ in range(5):
            assert await post(transport, server.url) == (
                200,
                b'{"ok":true,"result":true}',
            )
    assert server.connections == 1
    head, body = server.requests[0]
    assert head.startswith(f"POST /bot{TOKEN}/getMe HTTP/1.1\r\n".encode())
    assert b"content-type: application/json" in head.lower()
    assert json.loads(body) == {}


async def test_a_connection_the_server_closed_is_not_reused() -> None:
    async def one_answer_per_connection(
        server: ScriptedServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)
        writer.write(ok())  # no "Connection: close": the server just hangs up afterwards
        await writer.drain()

    async with scripted(one_answer_per_connection) as server, open_transport() as transport:
        for _ in range(3):
            assert (await post(transport, server.url))[0] == 200
            await asyncio.sleep(0.05)  # the hang-up arrives while the connection is idle
    assert server.connections == 3


async def test_connection_close_chunked_bodies_and_errors_are_read_as_http_says() -> None:
    chunked = (
        b"HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b'5\r\n{"ok"\r\n13\r\n:false,"error_code"\r\n6;ext=1\r\n:502}\n\r\n0\r\n\r\n'
    )
    async with scripted(answering(chunked, ok())) as server, open_transport() as transport:
        status, body = await post(transport, server.url)
        assert status == 502 and json.loads(body) == {"ok": False, "error_code": 502}
        assert (await post(transport, server.url))[0] == 200
    assert server.connections == 2, "Connection: close was honoured"


async def test_a_silent_server_is_a_timeout_and_a_refused_connection_a_network_error() -> None:
    async def silent(
        server: ScriptedServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.read()  # reads the request, never answers, until the client hangs up

    async with scripted(silent) as server, open_transport(read_timeout=0.2) as transport:
        with pytest.raises(TimedOut):
            await post(transport, server.url)
        closed_port = server.url  # reused below, once the listener is gone
    async with open_transport(connect_timeout=2) as transport:
        with pytest.raises(NetworkError) as refused:
            await post(transport, closed_port)
    assert not isinstance(refused.value, TimedOut)
    assert TOKEN.split(":")[1] not in str(refused.value), "the URL holds the token"


async def test_a_server_hanging_up_without_an_answer_is_a_network_error() -> None:
    async def hang_up(
        server: ScriptedServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)

    async with scripted(hang_up) as server, open_transport() as transport:
        with pytest.raises(NetworkError, match="without answering"):
            await post(transport, server.url)


async def test_requests_beyond_the_pool_wait_and_give_up_unsent_after_the_pool_timeout() -> None:
    release = asyncio.Event()

    async def slow(
        server: ScriptedServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await server.read_request(reader)
        await release.wait()
        writer.write(ok())
        await writer.drain()

    async with scripted(slow) as server, open_transport(1, pool_timeout=0.1) as transport:
        first = asyncio.create_task(post(transport, server.url))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="not\\* sent"):
            await post(transport, server.url)
        release.set()
        assert (await first)[0] == 200
    assert len(server.requests) == 1


PROXY_ENVIRONMENTS = [
    ({}, False),
    ({"HTTPS_PROXY": "http://proxy:3128"}, True),
    ({"all_proxy": "socks5://proxy:1080"}, True),
]


@pytest.mark.parametrize(("environ", "configured"), PROXY_ENVIRONMENTS)
def test_a_proxy_in_the_environment_is_noticed(environ: dict[str, str], configured: bool) -> None:
    assert proxy_configured(environ) is configured
