"""Every Bot API call the bot makes (all but getUpdates) through Telegram's hiccups.

python-telegram-bot's ``AIORateLimiter`` keeps to Telegram's flood limits and waits out a
429 ``RetryAfter`` (``retry_after`` seconds, then again). Everything else that can go wrong
on the wire reaches the handler as a ``NetworkError`` and, unretried, would cost the user
the answer. ``RetryingRateLimiter`` is that limiter plus this policy:

* **Retried**, at most ``attempts`` times in all, after a short, growing, jittered pause:
  5xx answers, connections refused, reset or closed before the answer came, timeouts. The
  jitter keeps a burst of failed sends from hitting Telegram again all at once.
* **Not retried**: what Telegram rejected on purpose and would reject again (``BadRequest``,
  ``Forbidden``, ``InvalidToken``, ``ChatMigrated``), and a 429 the limiter has already
  retried ``max_retries`` times.
* **Patient reads**: a call made without an explicit read timeout waits up to
  ``read_timeout`` seconds (default 20) for its answer, however short the transport's own
  timeout is. A slow Telegram is waited out instead of being taken for a lost request.

The trade-off, at-least-once rather than at-most-once: a request that timed out while
reading, or whose connection dropped after it was sent, may have reached Telegram, so
retrying it can deliver a message twice; not retrying it can lose the answer. An investor
who asked a question should get the answer, and a rare duplicate costs less than silence,
so those are retried too. The patient read timeout keeps that ambiguous case rare: what
still times out after 20 s is nearly always a connection that died on the way (the kind
of stale connection python-telegram-bot's wiki warns about), where the request never
arrived and a retry on a fresh connection is exactly right.

getUpdates never comes here (the library does not rate-limit it); its own loop retries,
and Telegram's offset semantics make a lost answer to it harmless: the updates come again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter
from telegram.request import BaseRequest

log = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

ATTEMPTS = 4  # the first try and three retries
FIRST_PAUSE = 0.5  # seconds before the first retry; doubled before each further one
READ_TIMEOUT = 20.0  # seconds a call waits for Telegram's answer


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` may go away when the same call is made again."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` (flood limits, 429s) that also retries transient network errors."""

    def __init__(
        self,
        *,
        overall_max_rate: float,
        overall_time_period: float,
        max_retries: int,
        attempts: int = ATTEMPTS,
        first_pause: float = FIRST_PAUSE,
        read_timeout: float = READ_TIMEOUT,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=overall_time_period,
            max_retries=max_retries,
        )
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self.attempts = attempts
        self.first_pause = first_pause
        self.read_timeout = read_timeout
        self._sleep = sleep

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> ApiResult:
        if kwargs.get("read_timeout") is BaseRequest.DEFAULT_NONE:  # the caller did not choose
            kwargs = {**kwargs, "read_timeout": self.read_timeout}
        attempt = 1
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except NetworkError as error:
                if attempt >= self.attempts or not is_transient(error):
                    raise
                pause = self.pause_before(attempt + 1)
                log.info("%s failed (%s); retry %d of %d in %.1f s", endpoint, error,
                         attempt, self.attempts - 1, pause)  # fmt: skip
                await self._sleep(pause)
                attempt += 1

    def pause_before(self, attempt: int) -> float:
        """Seconds to wait before ``attempt`` (2 = the first retry): doubling, jittered."""
        return self.first_pause * 2 ** (attempt - 2) * random.uniform(0.5, 1.0)
