"""Every way ``python -m bot run`` can fail to start is one line naming the cause and the
setting: exit code 2 for configuration, 1 for everything else, a traceback only at DEBUG.

The bot runs as a process of its own, against the fake Bot API server or a port where
nothing listens, on a small base (the shipped one takes seconds to learn).
"""

from __future__ import annotations

import re
import socket
import subprocess
from pathlib import Path

import pytest

from tests.bot.bot_process import run_bot_once
from tests.bot.tiny_base import write_base
from tests.fake_telegram import FakeTelegram

TOKEN = "123456789:AAH-example_token_for_tests_0123456"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")


def run_bot(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    settings = {
        "KNOWLEDGE_DIR": str(write_base(tmp_path / "kb")),
        "DATA_DIR": str(tmp_path / "data"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        **env,
    }
    return run_bot_once(tmp_path, settings)


def failure_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line of stderr that is not a log line; fails when there are more or none."""
    lines = [line for line in result.stderr.splitlines() if not LOG_LINE.match(line)]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return lines[0]


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("WEBHOOK_URL", "http://bot.example.org/hook", "is not an https:// URL"),
        ("ADMIN_IDS", "alice", "not a numeric Telegram user id"),
        ("CONCURRENT_UPDATES", "lots", "not a whole number"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    result = run_bot(tmp_path, **{name: value, "WEBHOOK_SECRET": "s3cret"})
    line = failure_line(result)
    assert result.returncode == 2
    assert name in line and says in line


def test_an_unusable_data_dir_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    result = run_bot(tmp_path, DATA_DIR="/proc/forbidden")
    line = failure_line(result)
    assert result.returncode == 2
    assert "DATA_DIR=/proc/forbidden" in line


def test_an_unreachable_api_is_one_line_naming_the_setting_and_exit_1(tmp_path: Path) -> None:
    port = unused_port()
    result = run_bot(tmp_path, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot")
    line = failure_line(result)
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in line and "TELEGRAM_API_BASE_URL" in line


def test_a_rejected_token_is_one_line_naming_it_and_exit_1(
    tmp_path: Path, fake_telegram: FakeTelegram
) -> None:
    result = run_bot(tmp_path, TELEGRAM_API_BASE_URL=fake_telegram.base_url)  # not its token
    line = failure_line(result)
    assert result.returncode == 1
    assert "rejected TELEGRAM_BOT_TOKEN" in line
    assert TOKEN not in result.stderr + result.stdout


def test_at_debug_the_traceback_comes_with_the_line(tmp_path: Path) -> None:
    port = unused_port()
    result = run_bot(
        tmp_path, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{port}/bot", LOG_LEVEL="DEBUG"
    )
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("Cannot reach the Telegram Bot API")
