"""How long a restart takes to answer 10,000 updates left undone in the update journal.

The journal (bot/stores/journal.py) is filled with 10,000 undone private questions, each from a
user of its own, as a crash in the middle of a huge burst would leave it; then the real
Application starts on that DATA_DIR against the fake Bot API server (a process of its own)
and the time from start until every one of them got its sendMessage is measured. Telegram's
30 messages a second are switched off (RATE_LIMIT_PER_SECOND=0), as in the throughput bench.

Run alone: ``python -m bench journal``.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench.table import Row
from bot.config import Settings
from bot.offline.process import FakeTelegramProcess
from bot.offline.updates import question_burst
from bot.stores.journal import UpdateJournal
from bot.telegram.app import build_application
from bot.telegram.services import Services

UNDONE = 10_000
TARGET_S = 30.0


def fill_journal(data_dir: Path, count: int) -> None:
    journal = UpdateJournal(data_dir)
    try:
        for update in question_burst(count, first_user=500_000):
            journal.record(update["update_id"], json.dumps(update))
    finally:
        journal.close()


async def recover(server: FakeTelegramProcess, data_dir: Path, count: int) -> float:
    settings = Settings.from_mapping(
        {
            "TELEGRAM_BOT_TOKEN": server.token,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "DATA_DIR": str(data_dir),
            "RATE_LIMIT_PER_SECOND": "0",
            "FLOOD_LIMIT_PER_MINUTE": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    services = Services.create(settings)
    try:
        app = build_application(settings, services)
        before = await asyncio.to_thread(server.count, "sendMessage")
        started = time.perf_counter()
        async with app:
            assert app.post_init is not None and app.post_stop is not None
            await app.post_init(app)  # starts the replay
            await app.start()
            await server.wait_count("sendMessage", before + count, timeout=600)
            elapsed = time.perf_counter() - started
            await app.stop()
            await app.post_stop(app)
        assert services.journal.undone_count() == 0
        return elapsed
    finally:
        services.close()


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as tmp:
        data_dir = Path(tmp) / "data"
        started = time.perf_counter()
        fill_journal(data_dir, UNDONE)
        print(f"   wrote {UNDONE:,} undone updates in {time.perf_counter() - started:.1f} s")
        with FakeTelegramProcess(record=False) as server:
            seconds = asyncio.run(recover(server, data_dir, UNDONE))
    print(f"   recovered {UNDONE:,} in {seconds:.1f} s ({UNDONE / seconds:,.0f} updates/s)")
    return [Row("journal: recover 10,000 undone updates", seconds, TARGET_S, "s",
                seconds <= TARGET_S)]  # fmt: skip


if __name__ == "__main__":
    from bench.table import format_table

    print(format_table(run()))
