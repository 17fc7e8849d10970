"""The webhook under attack, without the secret: idle connections and huge bodies.

The bot runs as a real process (``python -m bot run`` in webhook mode) with a low limit of
open files, as a small container has; the attacker connects from 127.0.0.1 only.
"""

from __future__ import annotations

import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bot.bot_process import BotProcess
from tests.bot.http.test_webhook import SECRET, _free_port
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory

pytestmark = pytest.mark.timeout(90)

OPEN_FILES = 256  # the bot process's limit
IDLE_CONNECTIONS = 300  # more than it may open
MiB = 1 << 20


class Hook:
    def __init__(self, bot: BotProcess, port: int) -> None:
        self.bot = bot
        self.port = port
        self.url = f"http://127.0.0.1:{port}/hook"

    def post(self, update: dict, timeout: float = 10) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        return httpx.post(self.url, json=update, headers=headers, timeout=timeout).status_code


@pytest.fixture
def hook(fake_telegram: FakeTelegram, tmp_path: Path) -> Iterator[Hook]:
    port = _free_port()
    env = {
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "INFO",
        "WEBHOOK_URL": "https://bot.example.org/hook",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
    }
    bot = BotProcess(env, tmp_path, open_files=OPEN_FILES)
    try:
        bot.wait_for_log("is ready")
        yield Hook(bot, port)
    finally:
        if bot.process.poll() is None:
            bot.stop(signal.SIGTERM)


def answered(server: FakeTelegram, chat_id: int, timeout: float) -> bool:
    try:
        server.wait_for_sync("sendMessage", where=lambda c: c.chat_id == chat_id, timeout=timeout)
    except TimeoutError:
        return False
    return True


def test_idle_connections_do_not_keep_real_updates_out(
    hook: Hook, fake_telegram: FakeTelegram
) -> None:
    idle: list[socket.socket] = []
    try:
        for index in range(IDLE_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", hook.port), timeout=5)
            if index % 2:  # half of them start a request and never finish it
                sock.sendall(b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Le")
            idle.append(sock)
        time.sleep(0.5)
        files_while_attacked = hook.bot.open_files()
        update = factory.private_message("How many Japanese live in NRW?", sender=factory.user(7))
        started = time.monotonic()
        status = hook.post(update, timeout=20)
        assert status == 200
        assert answered(fake_telegram, 7, timeout=20), "the real update was not answered"
        elapsed = time.monotonic() - started
    finally:
        for sock in idle:
            sock.close()
    assert elapsed < 10, f"the real update took {elapsed:.1f} s"
    assert files_while_attacked < OPEN_FILES - 32, "the idle connections used up the files"
    log = hook.bot.log
    assert "Too many open files" not in log
    assert len(hook.bot.lines) < 100, f"{len(hook.bot.lines)} log lines during the attack"


def test_a_huge_body_without_the_secret_is_refused_unread(
    hook: Hook, fake_telegram: FakeTelegram
) -> None:
    before = hook.bot.rss_bytes()
    chunk = b"x" * MiB
    attackers = []
    for _ in range(4):
        sock = socket.create_connection(("127.0.0.1", hook.port), timeout=5)
        sock.sendall(
            b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {95 * MiB}\r\n\r\n".encode()
        )
        sent = 0
        try:
            while sent < 40 * MiB:  # the bot would have to hold it all to read it
                sock.sendall(chunk)
                sent += len(chunk)
        except OSError:
            pass  # refused: the bot closed the connection without reading
        attackers.append((sock, sent))
    time.sleep(0.5)
    grown = hook.bot.rss_bytes() - before
    for sock, _ in attackers:
        sock.close()
    assert grown < 20 * MiB, f"the bot grew by {grown / MiB:.0f} MiB"
    assert all(sent < 40 * MiB for _, sent in attackers), "the whole body was read"
    update = factory.private_message("How many Japanese live in NRW?", sender=factory.user(8))
    assert hook.post(update) == 200
    assert answered(fake_telegram, 8, timeout=20)
