"""The Application's polling lifecycle against the offline server, for tests and benchmarks.

``run_polling`` owns the event loop and its signals; a test or a benchmark runs inside a
loop of its own, so it drives the lifecycle by hand (python-telegram-bot's documented
alternative), ``post_init``, ``post_stop`` and ``post_shutdown`` included.
"""

from __future__ import annotations

import contextlib
import datetime as dtm
from collections.abc import AsyncIterator

from telegram.ext import Application


@contextlib.asynccontextmanager
async def polling(
    app: Application,  # type: ignore[type-arg]
    poll_timeout: float = 1.0,
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """initialize, post_init, start polling, start; the reverse (and post_shutdown) after."""
    updater = app.updater
    assert updater is not None, "polling needs the Application's own Updater"
    async with app:
        if app.post_init:
            await app.post_init(app)
        await updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=poll_timeout))
        await app.start()
        try:
            yield app
        finally:
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    if app.post_shutdown:
        await app.post_shutdown(app)
