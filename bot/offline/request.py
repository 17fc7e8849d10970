"""``OfflineRequest``: python-telegram-bot's network layer answered in-process by ``BotApi``.

A ``BaseRequest`` (the library's own extension point, as its test suite uses) that hands
each call to the offline Bot API instead of sending it: the real ``Application``, every
handler and the rate limiter run as they would against Telegram, with no token, no socket
and no second event loop. ``on_call`` sees every call that took effect, with its result
(the console prints the bot's messages from it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.offline.bot_api import ApiError, BotApi
from bot.offline.wire import UploadedFile

# (method, parameters, result) of a call that took effect.
CallListener = Callable[[str, dict[str, Any], Any], None]


def request_params(request_data: RequestData | None) -> dict[str, Any]:
    """The parameters as the Bot API reads them: JSON values, and files as ``UploadedFile``."""
    if request_data is None:
        return {}
    params: dict[str, Any] = dict(request_data.parameters)
    files = {
        name: UploadedFile(
            name, filename, mime_type, content if isinstance(content, bytes) else content.read()
        )
        for name, (filename, content, mime_type) in request_data.multipart_data.items()
    }
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = files.pop(value.removeprefix("attach://"), value)
    params.update(files)
    return params


class OfflineRequest(BaseRequest):
    """Answers every Bot API call from ``api`` (a ``BotApi`` of its own by default)."""

    def __init__(self, api: BotApi | None = None, *, on_call: CallListener | None = None) -> None:
        self.api = api if api is not None else BotApi()
        self._on_call = on_call

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open: no network."""

    async def shutdown(self) -> None:
        """Nothing to close."""

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
        api_method = url.rsplit("/", 1)[-1]
        params = request_params(request_data)
        try:
            result = await self.api.call(api_method, params)
        except ApiError as error:
            return error.status, json.dumps(error.answer()).encode()
        if self._on_call is not None:
            self._on_call(api_method, params, result)
        return 200, json.dumps({"ok": True, "result": result}).encode()
