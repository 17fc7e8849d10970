"""The update journal: a crash loses no update, and no update is answered twice.

The bot runs as a real process (``python -m bot run``) against the fake Bot API server; it
is killed with SIGKILL in the middle of a burst and started again on the same DATA_DIR.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.offline.updates import question_burst
from bot.stores.journal import FILE_NAME
from tests.bot.bot_process import BotProcess
from tests.bot.http.test_webhook import SECRET, _free_port
from tests.fake_telegram import FakeTelegram, Fault
from tests.fake_telegram import updates as factory
from tests.proof.conftest import chats_of, replies_per_chat

pytestmark = pytest.mark.timeout(90)

QUESTIONS = 60
ANSWERED_BEFORE_THE_CRASH = 15
HANDLERS = 4


@pytest.fixture
def env(fake_telegram: FakeTelegram, tmp_path: Path) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "INFO",
        "FLOOD_LIMIT_PER_MINUTE": "0",
        "RATE_LIMIT_PER_SECOND": "0",
        "CONCURRENT_UPDATES": str(HANDLERS),
    }


@pytest.fixture
def processes() -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for process in started:
        if process.process.poll() is None:
            process.kill()


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.01)


def undone_in_journal(data_dir: Path) -> list[int]:
    path = data_dir / FILE_NAME
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT update_id FROM update_journal WHERE done IS NULL").fetchall()
    return sorted(row[0] for row in rows)


def test_a_killed_bot_answers_every_question_exactly_once_after_restart(
    fake_telegram: FakeTelegram,
    env: dict[str, str],
    tmp_path: Path,
    processes: list[BotProcess],
) -> None:
    burst = question_burst(QUESTIONS)
    chat_of = {u["update_id"]: u["message"]["chat"]["id"] for u in burst}
    # The first replies go through; every later one is held on its way to Telegram, so the
    # kill catches handlers mid-send (and more updates fetched but not started).
    fake_telegram.inject("sendMessage", Fault.none(), times=ANSWERED_BEFORE_THE_CRASH)
    fake_telegram.inject("sendMessage", Fault.hold(), times=10 * QUESTIONS)

    first = BotProcess(env, tmp_path)
    processes.append(first)
    first.wait_for_log("is ready")
    fake_telegram.queue_updates(burst)
    wait_until(lambda: fake_telegram.held >= HANDLERS, 30, "every handler waiting on a send")
    first.kill()
    assert len(fake_telegram.sent_messages()) == ANSWERED_BEFORE_THE_CRASH

    fake_telegram.clear_faults()
    fake_telegram.release_held()  # their client is gone: they never reach "Telegram"
    wait_until(lambda: fake_telegram.held == 0, 10, "held requests let go")
    undone = undone_in_journal(tmp_path / "data")
    sent_before = len(fake_telegram.sent_messages())

    second = BotProcess(env, tmp_path)
    processes.append(second)
    wait_until(
        lambda: (
            set(replies_per_chat(fake_telegram)) >= chats_of(burst)
            or second.process.poll() is not None
        ),
        30,
        "every chat answered after the restart",
    )
    time.sleep(0.5)  # room for a duplicate to show up
    assert second.stop(signal.SIGTERM) == 0, second.log

    per_chat = replies_per_chat(fake_telegram)
    missing = chats_of(burst) - set(per_chat)
    assert not missing, f"{len(missing)} of {QUESTIONS} chats never got an answer"
    twice = {chat: n for chat, n in per_chat.items() if n > 1}
    assert not twice, f"answered more than once: {twice}"
    # What the journal held undone was answered before anything fetched anew.
    assert len(undone) >= HANDLERS
    after = [c.params["chat_id"] for c in fake_telegram.sent_messages()[sent_before:]]
    assert set(after[: len(undone)]) == {chat_of[u] for u in undone}


def test_sigterm_leaves_what_it_cannot_finish_in_the_journal(
    fake_telegram: FakeTelegram,
    env: dict[str, str],
    tmp_path: Path,
    processes: list[BotProcess],
) -> None:
    """A clean stop takes at most the grace, answers nothing twice, loses nothing."""
    burst = question_burst(QUESTIONS, first_user=20_000)
    fake_telegram.inject("sendMessage", Fault.none(), times=5)
    fake_telegram.inject("sendMessage", Fault.hold(), times=10 * QUESTIONS)
    first = BotProcess({**env, "SHUTDOWN_GRACE_SECONDS": "1"}, tmp_path)
    processes.append(first)
    first.wait_for_log("is ready")
    fake_telegram.queue_updates(burst)
    wait_until(lambda: fake_telegram.held >= HANDLERS, 30, "every handler waiting on a send")
    started = time.monotonic()
    assert first.stop(signal.SIGTERM) == 0, first.log
    assert time.monotonic() - started < 8, "the shutdown overran its grace by far"
    assert "Traceback" not in first.log, first.log
    fake_telegram.clear_faults()
    fake_telegram.release_held()

    second = BotProcess(env, tmp_path)
    processes.append(second)
    wait_until(
        lambda: (
            set(replies_per_chat(fake_telegram)) >= chats_of(burst)
            or second.process.poll() is not None
        ),
        30,
        "every chat answered after the restart",
    )
    time.sleep(0.5)
    assert second.stop(signal.SIGTERM) == 0
    per_chat = replies_per_chat(fake_telegram)
    assert set(per_chat) == chats_of(burst)
    assert set(per_chat.values()) == {1}


def test_a_webhook_update_posted_twice_is_answered_once(
    fake_telegram: FakeTelegram,
    env: dict[str, str],
    tmp_path: Path,
    processes: list[BotProcess],
) -> None:
    port = _free_port()
    bot = BotProcess(
        {
            **env,
            "WEBHOOK_URL": f"https://bot.example.org/hook{port}",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        },
        tmp_path,
    )
    processes.append(bot)
    bot.wait_for_log("is ready")
    update = factory.private_message("How many Japanese live in NRW?")
    probe = factory.private_message("How many Japanese live in NRW?", sender=factory.user(555))
    url = f"http://127.0.0.1:{port}/hook{port}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    with httpx.Client(timeout=10) as client:
        statuses = [client.post(url, json=update, headers=headers).status_code for _ in range(3)]
        client.post(url, json=probe, headers=headers)
    assert statuses == [200, 200, 200]  # Telegram must stop re-posting: a repeat is "received"
    fake_telegram.wait_for_sync("sendMessage", where=lambda c: c.chat_id == 555, timeout=20)
    time.sleep(0.3)
    assert bot.stop(signal.SIGTERM) == 0
    chat = update["message"]["chat"]["id"]
    assert len(fake_telegram.sent_messages(chat)) == 1
