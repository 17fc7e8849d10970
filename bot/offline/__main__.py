"""Run the fake Bot API server as its own process: ``python -m bot.offline --port N``.

Prints ``READY <port>`` on stdout once it listens (port 0 picks a free one), then serves until
SIGINT/SIGTERM. The bench drives it through ``/_control/`` (updates, counts, calls, clear, fault).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from bot.offline.server import FakeTelegram
from bot.offline.updates import BOT_TOKEN


async def serve(port: int, token: str, record: bool) -> None:
    server = await FakeTelegram(token, port=port, record=record).astart()
    print(f"READY {server.port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.offline")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--token", default=BOT_TOKEN)
    parser.add_argument("--no-record", action="store_true", help="count calls, keep no list")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.port, args.token, not args.no_record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
