"""The bot's Bot API transport over aiohttp: what it sends, which errors it raises and what they
say about delivery, and its proxy. The other side is the fake Bot API server on 127.0.0.1,
or a socket that never accepts (a connect that times out), or a port nobody listens on."""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import traceback
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData

from bot.http import delivery
from bot.http.aiohttp_request import AiohttpRequest, proxy_from_environment
from tests.bot.conftest import ChatFactory
from tests.fake_telegram import FakeTelegram, Fault
from tests.fake_telegram import updates as factory

pytestmark = pytest.mark.timeout(30)

TOKEN = factory.BOT_TOKEN
# A host that cannot resolve (RFC 2606): only a proxy can reach "Telegram" there.
UNREACHABLE_API = "http://api.telegram.invalid/bot"


@contextlib.asynccontextmanager
async def opened(request: AiohttpRequest) -> AsyncIterator[AiohttpRequest]:
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


async def test_a_bot_on_it_talks_json_to_the_bot_api(fake_telegram: FakeTelegram) -> None:
    async with opened(AiohttpRequest()) as request:
        bot = Bot(TOKEN, base_url=fake_telegram.base_url, request=request)
        async with bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="q:1")]])
            sent = await bot.send_message(42, "Düsseldorf <b>日本</b>", reply_markup=keyboard)

    (call,) = fake_telegram.calls_of("sendMessage")
    assert call.params["text"] == "Düsseldorf <b>日本</b>"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "More", "callback_data": "q:1"}]]
    }
    assert sent.text == "Düsseldorf <b>日本</b>" and sent.chat.id == 42


async def test_files_go_up_as_multipart_with_their_parameters(fake_telegram: FakeTelegram) -> None:
    chart = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40  # binary, every byte value
    async with opened(AiohttpRequest()) as request:
        bot = Bot(TOKEN, base_url=fake_telegram.base_url, request=request)
        async with bot:
            await bot.send_photo(42, io.BytesIO(chart), caption="Fragen 日本", filename="stats.png")
            await bot.send_document(42, io.BytesIO(b"count,question\r\n"), filename="q.csv")

    (photo,) = fake_telegram.calls_of("sendPhoto")
    assert photo.params["photo"].data == chart
    assert photo.params["photo"].filename == "stats.png"
    assert photo.params["caption"] == "Fragen 日本" and photo.params["chat_id"] == 42
    (document,) = fake_telegram.calls_of("sendDocument")
    assert document.params["document"].data == b"count,question\r\n"


async def test_a_file_download_is_a_get(fake_telegram: FakeTelegram) -> None:
    async with opened(AiohttpRequest()) as request:
        status, body = await request.do_request(
            f"{fake_telegram.url}/bot{TOKEN}/getMe", "GET", None
        )
    assert status == 200 and b'"ok":true' in body.replace(b" ", b"")


# ---- failures: which error, and what it says about delivery ---------------------------------


def get_me_url(server_url: str) -> str:
    return f"{server_url}/bot{TOKEN}/getMe"


async def call(request: AiohttpRequest, url: str, **timeouts: float) -> tuple[int, bytes]:
    async with opened(request):
        return await request.do_request(url, "POST", RequestData(), **timeouts)


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound and closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def never_accepting() -> Iterator[int]:
    """A port whose accept queue is full: a new connection hangs until it times out."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for each in (*fillers, listener):
        each.close()


async def test_a_refused_connection_is_a_network_error_and_certainly_not_sent(
    closed_port: int,
) -> None:
    with pytest.raises(NetworkError) as refused:
        await call(AiohttpRequest(), get_me_url(f"http://127.0.0.1:{closed_port}"))
    assert not isinstance(refused.value, TimedOut)
    assert delivery.certainly_not_sent(refused.value)
    assert not delivery.answer_lost(refused.value)
    assert f"127.0.0.1:{closed_port}" in str(refused.value), "it says where it could not go"


async def test_a_connect_timeout_is_timed_out_and_certainly_not_sent(never_accepting: int) -> None:
    with pytest.raises(TimedOut) as timed_out:
        await call(
            AiohttpRequest(connect_timeout=0.3, pool_timeout=0.1),
            get_me_url(f"http://127.0.0.1:{never_accepting}"),
        )
    assert delivery.certainly_not_sent(timed_out.value)


async def test_a_slow_answer_is_timed_out_and_may_have_been_delivered(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.inject("getMe", Fault.delay(1.0))
    with pytest.raises(TimedOut) as timed_out:
        await call(AiohttpRequest(read_timeout=0.2), get_me_url(fake_telegram.url))
    assert delivery.answer_lost(timed_out.value)
    assert not delivery.certainly_not_sent(timed_out.value)


async def test_the_callers_read_timeout_wins_over_the_default(fake_telegram: FakeTelegram) -> None:
    fake_telegram.inject("getMe", Fault.delay(0.5))
    status, _ = await call(
        AiohttpRequest(read_timeout=0.1), get_me_url(fake_telegram.url), read_timeout=3.0
    )
    assert status == 200


async def test_a_hang_up_after_the_request_took_effect_is_an_answer_lost(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.inject("sendMessage", Fault.drop_after())
    async with opened(AiohttpRequest()) as request:
        bot = Bot(TOKEN, base_url=fake_telegram.base_url, request=request)
        async with bot:
            with pytest.raises(NetworkError) as lost:
                await bot.send_message(42, "hello")
    assert delivery.answer_lost(lost.value)
    assert not delivery.certainly_not_sent(lost.value)
    assert len(fake_telegram.sent_messages(42)) == 1, "Telegram did send it"


async def test_beyond_the_pool_a_request_gives_up_unsent_after_the_pool_timeout(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.inject("getMe", Fault.delay(1.0))
    url = get_me_url(fake_telegram.url)
    async with opened(AiohttpRequest(1, pool_timeout=0.1, connect_timeout=0.1)) as request:
        first = asyncio.create_task(request.do_request(url, "POST", RequestData()))
        await asyncio.sleep(0.1)  # the only connection is taken
        with pytest.raises(TimedOut, match=r"\*not\* sent") as waited:
            await request.do_request(url, "POST", RequestData())
        assert (await first)[0] == 200
    assert delivery.certainly_not_sent(waited.value)
    assert fake_telegram.count("getMe") == 1


async def test_a_5xx_is_left_to_python_telegram_bot(fake_telegram: FakeTelegram) -> None:
    fake_telegram.inject("getMe", Fault.server_error(502))
    status, body = await call(AiohttpRequest(), get_me_url(fake_telegram.url))
    assert status == 502 and b"Bad Gateway" in body


def failures() -> dict[str, Fault | None]:
    return {"dropped": Fault.drop(), "slow": Fault.delay(1.0), "refused": None}


@pytest.mark.parametrize("fault", failures().values(), ids=failures().keys())
async def test_no_error_text_or_traceback_holds_the_token(
    fake_telegram: FakeTelegram, closed_port: int, fault: Fault | None
) -> None:
    if fault is None:
        url = get_me_url(f"http://127.0.0.1:{closed_port}")
    else:
        fake_telegram.inject("getMe", fault)
        url = get_me_url(fake_telegram.url)
    with pytest.raises(NetworkError) as failed:
        await call(AiohttpRequest(read_timeout=0.2), url)
    shown = "".join(traceback.format_exception(failed.value)) + repr(failed.value)
    secret = TOKEN.split(":")[1]
    assert secret not in shown and secret.lower() not in shown.lower()


# ---- proxies ------------------------------------------------------------------------------


@pytest.fixture
def no_proxy_in_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


PROXY_ENVIRONMENTS = {
    "none": ({}, None),
    "https": ({"HTTPS_PROXY": "http://proxy:3128"}, "http://proxy:3128"),
    "lower case": ({"https_proxy": "http://proxy:3128"}, "http://proxy:3128"),
    "only for http": ({"HTTP_PROXY": "http://proxy:3128"}, None),
    "exempted": ({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "telegram.org"}, None),
    "socks (not aiohttp's)": ({"ALL_PROXY": "socks5://proxy:1080"}, None),
}


@pytest.mark.parametrize(("environ", "proxy"), PROXY_ENVIRONMENTS.values(),
                         ids=PROXY_ENVIRONMENTS.keys())  # fmt: skip
def test_the_proxy_comes_from_the_environment(
    no_proxy_in_environment: pytest.MonkeyPatch, environ: dict[str, str], proxy: str | None
) -> None:
    for name, value in environ.items():
        no_proxy_in_environment.setenv(name, value)
    assert proxy_from_environment("https://api.telegram.org/bot") == proxy


async def test_calls_go_through_the_proxy(fake_telegram: FakeTelegram) -> None:
    # The fake server reads the absolute URL a client sends to its proxy, so it acts as one.
    async with opened(AiohttpRequest(proxy=fake_telegram.url)) as request:
        bot = Bot(TOKEN, base_url=UNREACHABLE_API, request=request)
        async with bot:
            await bot.send_message(42, "through the proxy")
    (call,) = fake_telegram.calls_of("sendMessage")
    assert call.params["text"] == "through the proxy"


@pytest.fixture
def proxy_in_environment(
    no_proxy_in_environment: pytest.MonkeyPatch, fake_telegram: FakeTelegram
) -> None:
    no_proxy_in_environment.setenv("HTTP_PROXY", fake_telegram.url)


@pytest.mark.bot_env(TELEGRAM_API_BASE_URL=UNREACHABLE_API)
async def test_the_bot_answers_through_the_proxy_the_environment_names(
    proxy_in_environment: None, telegram_chat: ChatFactory
) -> None:
    user = await telegram_chat()
    replies = await user.user_says("How many Japanese live in NRW?")
    assert "13,752" in replies.text
