"""Which failed Bot API calls are made again, how often, and how patiently they are read.

The callback handed to the limiter stands in for the network (python-telegram-bot passes
its HTTP post there); pauses are recorded instead of slept. The same policy under a real
fake server is in tests/proof/test_faults.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import BaseRequest

from bot.http.retries import ATTEMPTS, READ_TIMEOUT, RetryingRateLimiter, is_transient


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
        overall_max_rate=0, overall_time_period=0, max_retries=1, sleep=sleep
    )


async def send(
    limiter: RetryingRateLimiter, telegram: FlakyTelegram, read_timeout: object = None
) -> Any:
    timeout = BaseRequest.DEFAULT_NONE if read_timeout is None else read_timeout
    return await limiter.process_request(
        callback=telegram.post,
        args=("sendMessage", {"chat_id": 1, "text": "hi"}),
        kwargs={"read_timeout": timeout},
        endpoint="sendMessage",
        data={"chat_id": 1, "text": "hi"},
        rate_limit_args=None,
    )


TRANSIENT = {
    "5xx": NetworkError("Bad Gateway"),
    "connection dropped": NetworkError("httpx.RemoteProtocolError: Server disconnected"),
    "connection refused": NetworkError("httpx.ConnectError: All connection attempts failed"),
    "timeout (at-least-once)": TimedOut(),
}


@pytest.mark.parametrize("error", TRANSIENT.values(), ids=TRANSIENT.keys())
async def test_a_transient_failure_is_retried_until_the_call_goes_through(
    limiter: RetryingRateLimiter, pauses: list[float], error: Exception
) -> None:
    telegram = FlakyTelegram(error, error)

    assert await send(limiter, telegram) is True

    assert len(telegram.calls) == 3
    assert len(pauses) == 2 and pauses[0] > 0 and all(p <= 2.0 for p in pauses)


async def test_pauses_grow_and_retries_stop_after_the_last_attempt(
    limiter: RetryingRateLimiter, pauses: list[float]
) -> None:
    telegram = FlakyTelegram(*[NetworkError("Service Unavailable")] * (ATTEMPTS + 1))

    with pytest.raises(NetworkError, match="Service Unavailable"):
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
