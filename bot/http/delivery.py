"""What a failed Bot API call tells about whether Telegram saw it.

A call can fail in three ways, and only the first is safe to repeat for a call that has an
effect (a message sent, a button answered):

* **not sent**: no connection could be made (refused, DNS, TLS handshake, the proxy), or no
  connection was free in time. The request never left this process: ``RequestNotSent`` and
  ``NotSentTimeout``. Sending it again cannot duplicate anything.
* **answer lost**: the request was written, or may have been, and no answer came back: a
  read timeout, the server hanging up before it answered, a connection reset. Telegram may
  have acted on it, and nothing tells us whether it did: ``AnswerLost`` and
  ``AnswerTimedOut``.
* **answered**: Telegram answered with an error (python-telegram-bot's ``BadRequest``,
  ``Forbidden``, ``RetryAfter``, or ``NetworkError`` for a 5xx). It saw the request.

The bot's own request class (bot/http/aiohttp_request.py) raises the four classes above,
each a subclass of the python-telegram-bot error the library itself would raise
(``NetworkError`` or ``TimedOut``), so code that knows only the library's errors works
unchanged. python-telegram-bot's ``HTTPXRequest`` (``HTTP_TRANSPORT=httpx``) raises plain
``NetworkError``/``TimedOut`` chained to the httpx error, which tells the same apart.
"""

from __future__ import annotations

import httpx
from telegram.error import NetworkError, TelegramError, TimedOut


class RequestNotSent(NetworkError):
    """No connection to the Bot API could be made: the request never left."""


class NotSentTimeout(TimedOut):
    """Timed out connecting, or waiting for a free connection: the request never left."""


class AnswerLost(NetworkError):
    """The request was (or may have been) written, and no answer came back."""


class AnswerTimedOut(TimedOut):
    """The request was written, and its answer did not come within the read timeout."""


# httpx errors raised before a request is written: connecting (TCP, TLS), the proxy's
# CONNECT, and waiting for a free connection in the pool.
_HTTPX_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError, httpx.PoolTimeout)


def certainly_not_sent(error: BaseException) -> bool:
    """Whether ``error`` proves the request never reached Telegram (safe to send again)."""
    if isinstance(error, RequestNotSent | NotSentTimeout):
        return True
    return isinstance(error, NetworkError) and isinstance(error.__cause__, _HTTPX_NOT_SENT)


def answer_lost(error: BaseException) -> bool:
    """Whether ``error`` means no answer came back to a request that may have taken effect."""
    if isinstance(error, AnswerLost | AnswerTimedOut):
        return True
    if not isinstance(error, NetworkError) or certainly_not_sent(error):
        return False
    # From HTTPXRequest (chained to the httpx error) or python-telegram-bot's wrapper around
    # an unexpected exception of the transport. An error status from Telegram is raised
    # without a cause, or chained to the TelegramError of a body that was not JSON.
    cause = error.__cause__
    return cause is not None and not isinstance(cause, TelegramError)
