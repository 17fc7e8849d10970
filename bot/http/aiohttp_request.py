"""The Bot API transport: python-telegram-bot's ``BaseRequest`` over one ``aiohttp.ClientSession``.

python-telegram-bot's own ``HTTPXRequest`` costs about 0.69 ms of CPU per keep-alive POST
here, aiohttp about 0.14 ms (issue 12); on a bot that answers in about a millisecond, that is
most of the difference. ``HTTP_TRANSPORT=httpx`` switches back to ``HTTPXRequest``.

What it sends: calls without files as one JSON body (the Bot API accepts ``application/json``
for every method; nested values such as keyboards stay objects), calls with files (the
admin's CSV, the /stats chart) as ``multipart/form-data`` through aiohttp's ``FormData``,
the other parameters JSON-encoded as python-telegram-bot's ``RequestData`` gives them.

Timeouts, as python-telegram-bot defines them (each per call, or this object's default):

* ``pool_timeout`` + ``connect_timeout``: aiohttp's ``connect``, which counts the wait for a
  free connection and the connecting together; ``connect_timeout`` alone bounds the socket
  connect (``sock_connect``);
* ``read_timeout``: aiohttp's ``sock_read``, which starts once the request is written;
* ``write_timeout``: aiohttp has none of its own, so the whole call is bounded by the sum of
  the four (``total``), which bounds a stalled upload without cutting a long poll short.

Connections: at most ``connection_pool_size`` at once; idle ones are kept for aiohttp's
keep-alive time (15 s) and dropped when the server closed them. No cookies are kept (the Bot
API sets none). A proxy is aiohttp's own (``proxy``: an ``http://`` proxy, CONNECT for https);
``proxy_from_environment`` reads ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` once, where
aiohttp's ``trust_env`` would read them (and ``.netrc``) in a thread on every call.

Errors are python-telegram-bot's, as subclasses that say whether the request left
(bot/http/delivery.py): ``NotSentTimeout``/``RequestNotSent`` before it was written,
``AnswerTimedOut``/``AnswerLost`` after. No message holds the URL: it holds the token.
"""

from __future__ import annotations

import functools
import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram.request import BaseRequest, RequestData

from bot.http.delivery import AnswerLost, AnswerTimedOut, NotSentTimeout, RequestNotSent

_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # python-telegram-bot's "not chosen by the caller"
_JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` over one ``aiohttp.ClientSession``; arguments as ``HTTPXRequest``'s.

    The defaults are ``HTTPXRequest``'s, so either can stand in for the other.
    """

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        proxy: str | None = None,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        self.connection_pool_size = connection_pool_size
        self.proxy = proxy
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        # Built here, not in __init__: a ClientSession belongs to the loop it was made in.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connection_pool_size, limit_per_host=0),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar(),
                proxy=self.proxy,
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None and files:
            body = _form(request_data)
        elif request_data is not None or method == "POST":
            # ASCII-escaped (json's default), so even a lone surrogate is valid JSON on the wire.
            parameters = request_data.parameters if request_data is not None else {}
            body, headers = json.dumps(parameters, separators=(",", ":")).encode("ascii"), _JSON
        default_write = self._media_write_timeout if files else self._write_timeout
        timeout = _client_timeout(
            _chosen(pool_timeout, self._pool_timeout),
            _chosen(connect_timeout, self._connect_timeout),
            _chosen(write_timeout, default_write),
            _chosen(read_timeout, self._read_timeout),
        )
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        # Each raised from None: aiohttp's own messages name the URL, and with it the token.
        except aiohttp.ConnectionTimeoutError:
            raise NotSentTimeout(
                "Timed out connecting or waiting for a free connection: the request was *not* sent"
            ) from None
        except aiohttp.ClientConnectorError as error:
            raise RequestNotSent(
                f"aiohttp.{type(error).__name__}: cannot connect to {error.host}:{error.port}"
                + (f" ({error.strerror})" if error.strerror else "")
            ) from None
        except aiohttp.ClientHttpProxyError as error:
            raise RequestNotSent(
                f"aiohttp.ClientHttpProxyError: the proxy refused the tunnel ({error.status})"
            ) from None
        except aiohttp.InvalidURL:
            raise RequestNotSent("aiohttp.InvalidURL: the Bot API URL is not valid") from None
        except TimeoutError:  # sock_read (aiohttp.SocketTimeoutError) or the whole call
            raise AnswerTimedOut() from None
        except aiohttp.ServerDisconnectedError:
            raise AnswerLost(
                "aiohttp.ServerDisconnectedError: the server closed the connection "
                "without answering"
            ) from None
        except aiohttp.ClientResponseError as error:  # its str() names the URL
            raise AnswerLost(
                f"aiohttp.{type(error).__name__}: {error.status} {error.message}"
            ) from None
        except aiohttp.ClientError as error:  # reset, cut short, garbled
            raise AnswerLost(
                f"aiohttp.{type(error).__name__}: {_without_url(str(error), url)}"
            ) from None


def _form(request_data: RequestData) -> aiohttp.FormData:
    """A multipart body: the parameters as python-telegram-bot encodes them, then the files."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form


def _chosen(value: Any, default: float | None) -> float | None:
    """The caller's timeout when it chose one (None: no limit), else this object's default."""
    return default if isinstance(value, _DEFAULT) else value


@functools.lru_cache(maxsize=64)  # a few combinations recur on every call
def _client_timeout(
    pool: float | None, connect: float | None, write: float | None, read: float | None
) -> aiohttp.ClientTimeout:
    phases = (pool, connect, write, read)
    return aiohttp.ClientTimeout(
        total=None if None in phases else sum(p for p in phases if p is not None),
        connect=None if pool is None or connect is None else pool + connect,
        sock_connect=connect,
        sock_read=read,
    )


def _without_url(text: str, url: str) -> str:
    """``text`` with the URL, and its path (``/bot<TOKEN>/method``), taken out."""
    path = urlsplit(url).path
    return text.replace(url, "<url>").replace(path, "<path>") if path else text


def proxy_from_environment(url: str) -> str | None:
    """The proxy the environment names for ``url`` (``HTTPS_PROXY``, ``HTTP_PROXY``, lower
    case too), unless ``NO_PROXY`` exempts its host: the rules aiohttp's ``trust_env`` and
    httpx apply. ``ALL_PROXY`` and SOCKS proxies are not aiohttp's: ignored."""
    target = urlsplit(url)
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(target.scheme)
    if not proxy or urllib.request.proxy_bypass(target.hostname or ""):
        return None
    return proxy
