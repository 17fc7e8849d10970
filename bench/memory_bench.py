"""Resident memory of the bot after 10,000 updates, and over a 50,000-update soak.

A fresh process (so nothing else has touched its heap) runs the real Application with the
shipped base and every service on, and feeds it questions from a population of 5,000 users
(each asks about every ten seconds, under the flood guard's limit). The Bot API is answered
in-process by the offline Bot API (bot/offline/request.py): memory is about what the bot
keeps, and a network round trip per update would only make the soak slower, not different.
RSS is read from /proc after a garbage collection at every 10,000 updates; growth from 10k
to 50k must stay within ``GROWTH_LIMIT_MB`` (allocator noise, not a leak: every store the
bot keeps is bounded).

Run alone: ``python -m bench memory``; the child: ``python -m bench.memory_bench --child``.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update

from bench.table import Row
from bot.offline.bot_api import BotApi
from bot.offline.request import OfflineRequest
from bot.offline.updates import question_burst

CHECKPOINT = 10_000
SOAK = 50_000
USERS = 5_000
BATCH = 500
RSS_LIMIT_MB = 150.0
GROWTH_LIMIT_MB = 10.0
_REPO = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class SentCounter:
    """Listens to the offline Bot API: how many answers the bot sent."""

    def __init__(self) -> None:
        self.sent = 0

    def on_call(self, method: str, params: dict[str, Any], result: Any) -> None:
        self.sent += method == "sendMessage"


async def soak(data_dir: Path) -> dict[str, Any]:
    from bot.config import Settings
    from bot.telegram.app import build_application

    settings = Settings.from_mapping(
        {"TELEGRAM_BOT_TOKEN": "1:bench", "DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING",
         "RATE_LIMIT_PER_SECOND": "0"}
    )  # fmt: skip
    counter = SentCounter()
    # The offline Bot API keeps no sent message: the RSS measured is the bot's alone.
    api = OfflineRequest(BotApi(remember_messages=False), on_call=counter.on_call)
    app = build_application(settings, request=api)
    checkpoints: dict[int, float] = {}
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        gc.collect()
        checkpoints[0] = rss_mb()
        started = time.perf_counter()
        for start in range(0, SOAK, BATCH):
            # BATCH divides USERS: the batches go round the same USERS users.
            for update in question_burst(BATCH, first_user=10_000 + start % USERS):
                await app.update_queue.put(Update.de_json(update, app.bot))
            await app.update_queue.join()
            done = start + BATCH
            if done % CHECKPOINT == 0:
                gc.collect()
                checkpoints[done] = rss_mb()
        seconds = time.perf_counter() - started
        await app.stop()
    if app.post_shutdown:
        await app.post_shutdown(app)
    return {"rss": checkpoints, "sent": counter.sent, "seconds": seconds}


def child() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        print(json.dumps(asyncio.run(soak(Path(tmp)))))


def run() -> list[Row]:
    output = subprocess.run(
        [sys.executable, "-m", "bench.memory_bench", "--child"],
        cwd=_REPO, capture_output=True, text=True, check=True, timeout=900,
    )  # fmt: skip
    result = json.loads(output.stdout.strip().splitlines()[-1])
    rss = {int(k): v for k, v in result["rss"].items()}
    at_10k, at_50k = rss[CHECKPOINT], rss[SOAK]
    growth = at_50k - at_10k
    trail = ", ".join(f"{k // 1000}k: {v:.0f}" for k, v in sorted(rss.items()))
    print(f"  RSS (MB) by updates: {trail}; {result['sent']} answers sent, "
          f"{SOAK / result['seconds']:.0f} updates/s in-process")  # fmt: skip
    return [
        Row("memory: RSS after 10,000 updates", at_10k, RSS_LIMIT_MB, "MB", at_10k <= RSS_LIMIT_MB),
        Row(
            "memory: RSS growth 10k -> 50k updates",
            growth,
            GROWTH_LIMIT_MB,
            "MB",
            growth <= GROWTH_LIMIT_MB and result["sent"] >= SOAK,
        ),
    ]


if __name__ == "__main__":
    if "--child" in sys.argv:
        child()
    else:
        from bench.table import format_table

        print(format_table(run()))
