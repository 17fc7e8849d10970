"""The getUpdates transport: any ``BaseRequest``, and each answer's updates as Telegram sent them.

The update journal (bot/stores/journal.py) writes every update to disk before it is
confirmed. Serialising python-telegram-bot's ``Update`` objects back to JSON (``to_dict``,
recursive Python over every nested object) was about a tenth of the CPU an update costs
(make bench, throughput profile), to rebuild what the getUpdates answer held a moment
before. This request hands that answer's ``result`` list to ``on_updates`` before
python-telegram-bot turns it into ``Update`` objects, so the journal keeps the updates
as they came. It wraps the transport ``HTTP_TRANSPORT`` chose, so aiohttp and httpx both
get it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest

JSONDict = dict[str, Any]


class RecordingRequest(BaseRequest):
    """``inner`` for every call; what a call answers with a list also goes to ``on_updates``."""

    def __init__(self, inner: BaseRequest, on_updates: Callable[[list[Any]], None]) -> None:
        self._inner = inner
        self._on_updates = on_updates

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:  # type: ignore[override]
        return await self._inner.do_request(*args, **kwargs)

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        # The library's documented hook for how an answer is read (``post`` is final).
        parsed = BaseRequest.parse_json_payload(payload)
        result = parsed.get("result")
        if isinstance(result, list):  # getUpdates is the one call of this transport
            self._on_updates(result)
        return parsed
