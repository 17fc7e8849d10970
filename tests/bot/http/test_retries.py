"""Which failed Bot API calls are made again, how often, and how patiently they are read.

The callback handed to the limiter stands in for the network (python-telegram-bot passes
its HTTP post there); pauses are recorded instead of slept. The failures are the errors the
bot's transport (bot/http/aiohttp_request.py) and python-telegram-bot's HTTPXRequest raise.
The same policy under a real fake server is in tests/proof/test_faults.py and
tests/proof/test_at_most_once.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest

from bot.http.delivery import AnswerLost, AnswerTimedOut, NotSentTimeout, RequestNotSent
from bot.http.retries import ATTEMPTS, RetryingRateLimiter, is_transient

READ_TIMEOUT = 20.0


class FlakyTelegram:
    """Fails the first calls with the given errors, then answers ``True``."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.calls: list[dict[str, Any]] = []

    async def post(self, *args: Any, **kwargs: Any) -> bool:
        self.calls.append(kwargs)
        if self.failures:
            raise self.failures.pop(0)
        return True


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
def limiter(pauses: list[float]) -> RetryingRateLimiter:
    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    return RetryingRateLimiter(
        overall_max_rate=0,
        overall_time_period=0,
        max_retries=1,
        read_timeout=READ_TIMEOUT,
        sleep=sleep,
    )


async def send(
    limiter: RetryingRateLimiter,
    telegram: FlakyTelegram,
    read_timeout: object = None,
    endpoint: str = "sendMessage",
) -> Any:
    timeout = BaseRequest.DEFAULT_NONE if read_timeout is None else read_timeout
    return await limiter.process_request(
        callback=telegram.post,
        args=(endpoint, {"chat_id": 1, "text": "hi"}),
        kwargs={"read_timeout": timeout},
        endpoint=endpoint,
        data={"chat_id": 1, "text": "hi"},
        rate_limit_args=None,
    )


def chained(error: NetworkError, cause: Exception) -> NetworkError:
    """``error`` raised from ``cause``, as HTTPXRequest raises it from httpx's error."""
    error.__cause__ = cause
    return error


def not_sent() -> dict[str, Exception]:
    return {
        "connection refused": RequestNotSent("aiohttp.ClientConnectorError: cannot connect"),
        "connect timeout": NotSentTimeout("Timed out connecting"),
        "httpx connection refused": chained(
            NetworkError("httpx.ConnectError: All connection attempts failed"),
            httpx.ConnectError("All connection attempts failed"),
        ),
        "httpx pool full": chained(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")),
    }


def may_have_been_delivered() -> dict[str, Exception]:
    return {
        "read timeout": AnswerTimedOut(),
        "hung up before answering": AnswerLost("aiohttp.ServerDisconnectedError"),
        "5xx": NetworkError("Bad Gateway"),
        "httpx read timeout": chained(TimedOut(), httpx.ReadTimeout("read")),
        "httpx hung up": chained(
            NetworkError("httpx.RemoteProtocolError: Server disconnected"),
            httpx.RemoteProtocolError("Server disconnected"),
        ),
    }


@pytest.mark.parametrize("error", not_sent().values(), ids=not_sent().keys())
async def test_a_send_that_never_left_is_retried_until_it_goes_through(
    limiter: RetryingRateLimiter, pauses: list[float], error: Exception
) -> None:
    telegram = FlakyTelegram(error, error)

    assert await send(limiter, telegram) is True

    assert len(telegram.calls) == 3
    assert len(pauses) == 2 and pauses[0] > 0 and all(p <= 2.0 for p in pauses)


@pytest.mark.parametrize(
    "error", may_have_been_delivered().values(), ids=may_have_been_delivered().keys()
)
async def test_a_send_that_may_have_been_delivered_is_not_sent_again(
    limiter: RetryingRateLimiter, pauses: list[float], error: Exception
) -> None:
    telegram = FlakyTelegram(error)

    with pytest.raises(type(error)):
        await send(limiter, telegram)

    assert len(telegram.calls) == 1 and pauses == [], "at most once"


@pytest.mark.parametrize(
    "error", may_have_been_delivered().values(), ids=may_have_been_delivered().keys()
)
@pytest.mark.parametrize("endpoint", ["getMe", "getWebhookInfo", "setMyCommands"])
async def test_a_call_without_effect_is_retried_whatever_became_of_it(
    limiter: RetryingRateLimiter, error: Exception, endpoint: str
) -> None:
    telegram = FlakyTelegram(error)

    assert await send(limiter, telegram, endpoint=endpoint) is True

    assert len(telegram.calls) == 2


async def test_pauses_grow_and_retries_stop_after_the_last_attempt(
    limiter: RetryingRateLimiter, pauses: list[float]
) -> None:
    telegram = FlakyTelegram(*[RequestNotSent("cannot connect")] * (ATTEMPTS + 1))

    with pytest.raises(RequestNotSent, match="cannot connect"):
        await send(limiter, telegram)

    assert len(telegram.calls) == ATTEMPTS
    assert len(pauses) == ATTEMPTS - 1
    assert pauses == sorted(pauses) and pauses[-1] > pauses[0], "each pause at least as long"
    assert sum(pauses) <= 4.0, "a lost answer is given up within seconds, not minutes"


REJECTED = {
    "bad request": BadRequest("Bad Request: message text is empty"),
    "blocked by the user": Forbidden("Forbidden: bot was blocked by the user"),
}


@pytest.mark.parametrize("error", REJECTED.values(), ids=REJECTED.keys())
async def test_what_telegram_rejected_is_not_sent_again(
    limiter: RetryingRateLimiter, pauses: list[float], error: Exception
) -> None:
    telegram = FlakyTelegram(error)

    with pytest.raises(type(error)):
        await send(limiter, telegram)

    assert len(telegram.calls) == 1 and pauses == []
    assert not is_transient(error)


async def test_a_flood_wait_is_left_to_the_rate_limiter(
    limiter: RetryingRateLimiter, pauses: list[float]
) -> None:
    telegram = FlakyTelegram(RetryAfter(0))

    assert await send(limiter, telegram) is True

    assert len(telegram.calls) == 2
    assert pauses == [], "the 429 was waited out by AIORateLimiter, not by our backoff"


async def test_calls_wait_patiently_for_an_answer_unless_the_caller_chose(
    limiter: RetryingRateLimiter,
) -> None:
    telegram = FlakyTelegram()

    await send(limiter, telegram)
    await send(limiter, telegram, read_timeout=3.0)

    assert [call["read_timeout"] for call in telegram.calls] == [READ_TIMEOUT, 3.0]
