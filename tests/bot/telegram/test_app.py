"""The application as a whole: menus at start-up, the error handler, the token in logs,
and ``python -m bot run`` as a process (polling, webhook, SIGHUP, SIGTERM)."""

from __future__ import annotations

import io
import signal
import socket
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from bot.offline.server import Fault
from tests.bot.bot_process import BotProcess
from tests.bot.logs import bot_logging
from tests.bot.starting import write_plain_base
from tests.bot.telegram_html import visible_text
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest, Chat

ChatFactory = Callable[..., Awaitable[Chat]]
ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.timeout(90)


async def test_command_menus_are_set_per_language_at_start(
    running_bot: BotUnderTest, fake_telegram: FakeTelegram
) -> None:
    menus = {
        call.params.get("language_code"): [c["command"] for c in call.params["commands"]]
        for call in fake_telegram.calls_of("setMyCommands")
    }
    assert set(menus) == {None, "en", "de", "ja"}
    assert all("language" in commands and "facts" in commands for commands in menus.values())
    german = next(c for c in fake_telegram.calls_of("setMyCommands")
                  if c.params.get("language_code") == "de")  # fmt: skip
    assert any("Zahlen" in c["description"] for c in german.params["commands"])


async def test_a_failure_is_reported_to_the_user_and_the_bot_keeps_answering(
    telegram_chat: ChatFactory, running_bot: BotUnderTest, fake_telegram: FakeTelegram
) -> None:
    user = await telegram_chat()
    # A 500 on the answer: not sent again (it may have taken effect); the apology gets through.
    fake_telegram.inject("sendMessage", Fault.server_error(500))
    failed = await user.user_says("How many Japanese live in NRW?")
    assert "something went wrong" in visible_text(failed[-1].text)
    assert len(running_bot.errors) == 1
    running_bot.errors.clear()  # seen and expected
    again = await user.user_says("How many Japanese live in NRW?")
    assert "13,752" in visible_text(again[0].text)


async def test_a_failed_button_press_is_answered_on_the_button(
    telegram_chat: ChatFactory, running_bot: BotUnderTest, fake_telegram: FakeTelegram
) -> None:
    user = await telegram_chat()
    answer = await user.user_says("How many Japanese live in NRW?")
    fake_telegram.inject("sendMessage", Fault.server_error(502))
    replies = await user.press(answer.button("excerpt"))
    assert any("something went wrong" in a.get("text", "") for a in replies.callback_answers)
    running_bot.errors.clear()


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """Logging as ``python -m bot run`` sets it up, at DEBUG, into a buffer."""
    with bot_logging("DEBUG", [factory.BOT_TOKEN]) as stream:
        yield stream


async def test_the_token_appears_in_no_log_line_at_debug(
    debug_log: io.StringIO,
    telegram_chat: ChatFactory,
    running_bot: BotUnderTest,
    fake_telegram: FakeTelegram,
) -> None:
    user = await telegram_chat()
    await user.user_says("How many Japanese live in NRW?")
    # A connection dropped before the answer (not sent again), logged with its traceback.
    fake_telegram.inject("sendMessage", Fault.drop())
    await user.user_says("How many Japanese live in Düsseldorf?")
    running_bot.errors.clear()
    output = debug_log.getvalue()
    assert "getUpdates" in output, "the library did log its requests"
    assert "Traceback" in output, "and the error with its traceback"
    assert factory.BOT_TOKEN not in output
    assert factory.BOT_TOKEN.split(":")[1] not in output


# ---- python -m bot run, as a process --------------------------------------------------------


@pytest.fixture
def process_env(fake_telegram: FakeTelegram, tmp_path: Path) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": fake_telegram.token,
        "TELEGRAM_API_BASE_URL": fake_telegram.base_url,
        "DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "DEBUG",
    }


def test_run_polls_reloads_on_sighup_and_stops_cleanly_on_sigterm(
    fake_telegram: FakeTelegram, process_env: dict[str, str], tmp_path: Path
) -> None:
    bot = BotProcess(process_env, tmp_path)
    try:
        bot.wait_for_log("is ready")
        update = factory.private_message("How many Japanese live in Düsseldorf?")
        fake_telegram.queue_update(update)
        [sent] = fake_telegram.wait_for_sync("sendMessage", timeout=30)
        assert "7,038" in visible_text(sent.params["text"])
        bot.process.send_signal(signal.SIGHUP)
        bot.wait_for_log("reloaded")
    finally:
        code = bot.stop(signal.SIGTERM)
    assert code == 0
    assert "Traceback" not in bot.log
    assert fake_telegram.token not in bot.log, "not even at DEBUG"
    allowed = fake_telegram.calls_of("getUpdates")[-1].params.get("allowed_updates")
    assert set(allowed) == {"message", "edited_message", "callback_query", "inline_query"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_serves_a_webhook_that_requires_the_secret(
    fake_telegram: FakeTelegram, process_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    secret = "webhook-secret_123"
    env = {
        **process_env,
        "WEBHOOK_URL": f"https://bot.example.org/tg/{port}",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": secret,
    }
    bot = BotProcess(env, tmp_path)
    try:
        bot.wait_for_log("is ready")
        [registered] = fake_telegram.wait_for_sync("setWebhook", timeout=30)
        assert registered.params["url"] == env["WEBHOOK_URL"]
        assert registered.params["secret_token"] == secret
        hook = f"http://127.0.0.1:{port}/tg/{port}"
        update = factory.private_message("How many Japanese live in NRW?")
        refused = httpx.post(hook, json=update, timeout=10)
        forged = httpx.post(
            hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}, timeout=10
        )
        accepted = httpx.post(
            hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}, timeout=10
        )
        assert (refused.status_code, forged.status_code, accepted.status_code) == (403, 403, 200)
        [sent] = fake_telegram.wait_for_sync("sendMessage", timeout=30)
        assert "13,752" in visible_text(sent.params["text"])
    finally:
        code = bot.stop(signal.SIGINT)
    assert code == 0
    # python-telegram-bot logs each refused request at DEBUG, with its traceback; nothing
    # worse than that may appear.
    assert not [line for line in bot.lines if " ERROR " in line or " CRITICAL " in line]
    assert secret not in bot.log
    assert len(fake_telegram.calls_of("sendMessage")) == 1, "refused posts were not handled"


def test_run_with_watch_reloads_when_the_base_changes(
    fake_telegram: FakeTelegram, process_env: dict[str, str], tmp_path: Path
) -> None:
    base = write_plain_base(tmp_path / "kb", "What is in the memo?", "Not much.")
    bot = BotProcess({**process_env, "KNOWLEDGE_DIR": str(base)}, tmp_path, "--watch")
    try:
        bot.wait_for_log("is ready")
        entries = base / "entries.yaml"
        entries.write_text(entries.read_text().replace("Not much.", "Rather little."))
        bot.wait_for_log("reloaded")
        fake_telegram.queue_update(factory.private_message("What is in the memo?"))
        [sent] = fake_telegram.wait_for_sync("sendMessage", timeout=30)
        assert "Rather little." in visible_text(sent.params["text"])
    finally:
        assert bot.stop() == 0
