"""SIGTERM while the bot is still starting (``getMe`` hanging) stops it quietly and at once."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.bot.bot_process import BotProcess
from tests.fake_telegram import FakeTelegram, Fault

pytestmark = pytest.mark.timeout(60)


def test_sigterm_while_get_me_hangs(fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    fake_telegram.inject("getMe", Fault.delay(30))
    bot = BotProcess(
        {
            "TELEGRAM_BOT_TOKEN": fake_telegram.token,
            "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
            "DATA_DIR": str(tmp_path / "data"),
            "LOG_LEVEL": "DEBUG",
        },
        tmp_path,
    )
    bot.wait_for_log("getMe")
    time.sleep(0.5)  # inside the call
    started = time.monotonic()
    code = bot.stop(signal.SIGTERM)
    assert time.monotonic() - started < 10
    assert "Exception ignored" not in bot.log and "no running event loop" not in bot.log, bot.log
    assert "Traceback" not in bot.log, bot.log
    assert code == 0
