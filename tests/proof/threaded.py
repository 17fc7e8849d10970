"""The real bot running in a thread of its own, for synchronous tests (hypothesis).

Hypothesis drives synchronous test functions and runs each example many times; starting the
bot per example would take seconds. So the bot runs once, in its own event loop in a
background thread, and each example hands it a coroutine and waits for the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

from bot.config import Settings
from bot.telegram.app import build_application
from bot.telegram.services import Services
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.harness import BotUnderTest

T = TypeVar("T")


class ThreadedBot:
    """``bot.run(lambda bot: bot.chat().user_says("..."))`` from any synchronous code."""

    def __init__(self, bot: BotUnderTest, loop: asyncio.AbstractEventLoop) -> None:
        self.bot = bot
        self._loop = loop

    def run(self, action: Callable[[BotUnderTest], Awaitable[T]], timeout: float = 30) -> T:
        async def call() -> T:
            return await action(self.bot)

        return asyncio.run_coroutine_threadsafe(call(), self._loop).result(timeout)


@contextlib.contextmanager
def threaded_bot(settings: Settings, server: FakeTelegram) -> Iterator[ThreadedBot]:
    ready = threading.Event()
    stop: dict[str, Any] = {}
    failure: list[BaseException] = []
    holder: dict[str, ThreadedBot] = {}

    async def main() -> None:
        services = Services.create(settings)
        try:
            bot = BotUnderTest(build_application(settings, services), server, services=services)
            async with bot.running():
                stop["event"] = asyncio.Event()
                holder["bot"] = ThreadedBot(bot, asyncio.get_running_loop())
                ready.set()
                await stop["event"].wait()
        finally:
            services.close()

    def thread_main() -> None:
        try:
            asyncio.run(main())
        except BaseException as exc:  # surfaced in the test thread
            failure.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=thread_main, name="bot-under-test", daemon=True)
    thread.start()
    ready.wait(30)
    if failure or "bot" not in holder:
        raise RuntimeError(f"the bot did not start: {failure!r}")
    threaded = holder["bot"]
    try:
        yield threaded
    finally:
        threaded._loop.call_soon_threadsafe(stop["event"].set)
        thread.join(30)
    if failure:
        raise failure[0]
