"""Every Bot API call the bot makes (all but getUpdates) through Telegram's hiccups.

python-telegram-bot's ``AIORateLimiter`` keeps to Telegram's flood limits and waits out a
429 ``RetryAfter`` (``retry_after`` seconds, then again). ``RetryingRateLimiter`` is that
limiter plus this policy, at most ``attempts`` tries in all, after a short, growing, jittered
pause (the jitter keeps a burst of failed sends from hitting Telegram again all at once):

* **Any call** is made again when the request certainly never reached Telegram: the
  connection was refused, the name did not resolve, connecting timed out, no connection
  was free (bot/http/delivery.py tells these apart).
* **Calls without an effect** (``get*``, and declaring the command menu or the webhook,
  where doing it twice leaves the same state) are also made again after a 5xx, a read
  timeout or a connection that broke before the answer.
* **Calls with an effect** (sendMessage, sendPhoto, answerCallbackQuery, edits ...) are
  *not* made again once the request may have been delivered: a read timeout, the server
  hanging up before answering, a 5xx. Telegram has no idempotency key, so a second try can
  show the user a message twice; at-most-once: the call fails instead, and
  bot/telegram/handlers/errors.py stays silent rather than apologise for an answer that may
  have arrived.
* **Never**: what Telegram rejected on purpose and would reject again (``BadRequest``,
  ``Forbidden``, ``InvalidToken``, ``ChatMigrated``), and a 429 the limiter has already
  retried ``max_retries`` times.
* **Patient reads**: a call made without an explicit read timeout waits up to
  ``read_timeout`` seconds (``HTTP_READ_TIMEOUT``, default 20) for its answer, however short
  the transport's own timeout is, so a slow Telegram is waited out instead of being taken
  for a lost answer that cannot be sent again.

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

from bot.http.delivery import certainly_not_sent

log = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]

ATTEMPTS = 4  # the first try and three retries
FIRST_PAUSE = 0.5  # seconds before the first retry; doubled before each further one
# Calls that are not get* yet leave the same state when made twice: they declare it.
DECLARATIVE_METHODS = frozenset(
    {"setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook"}
)


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` may go away when the same call is made again."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def is_idempotent(endpoint: str) -> bool:
    """Whether making the Bot API call ``endpoint`` twice has the effect of making it once."""
    return endpoint.startswith("get") or endpoint in DECLARATIVE_METHODS


def may_retry(endpoint: str, error: BaseException) -> bool:
    """Whether a call of ``endpoint`` that failed with ``error`` may be made again."""
    if not is_transient(error):
        return False
    return certainly_not_sent(error) or is_idempotent(endpoint)


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
        read_timeout: float,
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
                if attempt >= self.attempts or not may_retry(endpoint, error):
                    raise
                pause = self.pause_before(attempt + 1)
                log.info("%s failed (%s); retry %d of %d in %.1f s", endpoint, error,
                         attempt, self.attempts - 1, pause)  # fmt: skip
                await self._sleep(pause)
                attempt += 1

    def pause_before(self, attempt: int) -> float:
        """Seconds to wait before ``attempt`` (2 = the first retry): doubling, jittered."""
        return self.first_pause * 2 ** (attempt - 2) * random.uniform(0.5, 1.0)
