"""Security, end to end through the running bot: the token stays out of the logs, admin
commands stay with the admins, forged buttons do nothing, and a hostile knowledge base file
neither runs code nor eats memory (the served base stays in place).

The webhook's secret token is proven in tests/bot/http/test_webhook.py.
"""

from __future__ import annotations

import io
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from bot import texts
from bot.config import Settings
from bot.offline.updates import question_burst
from tests.bot.logs import NOISY_LOGGERS, bot_logging
from tests.bot.starting import start_bot
from tests.bot.telegram_html import visible_text
from tests.bot.tiny_base import QUESTION, write_base
from tests.fake_telegram import FakeTelegram, Fault
from tests.fake_telegram.harness import BotUnderTest
from tests.proof.conftest import ADMIN_ID

pytestmark = pytest.mark.timeout(60)


# ---- the token in the logs ----------------------------------------------------------------


@pytest.fixture
def log_output(bot_settings: Settings) -> Iterator[io.StringIO]:
    """Logging as ``python -m bot run`` sets it up, then every logger opened up to DEBUG."""
    secrets = [bot_settings.token, bot_settings.webhook_secret]
    with bot_logging("DEBUG", secrets, opened_up=NOISY_LOGGERS) as stream:
        yield stream


TRANSPORTS = [
    pytest.param("aiohttp", id="aiohttp"),
    pytest.param("httpx", id="httpx", marks=pytest.mark.bot_env(HTTP_TRANSPORT="httpx")),
]


@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="0")
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_the_token_appears_in_no_log_line_at_any_level(
    log_output: io.StringIO, bot_settings: Settings, fake_telegram: FakeTelegram, transport: str
) -> None:
    token = bot_settings.token
    assert token is not None
    fake_telegram.inject("getUpdates", Fault.server_error(502))
    fake_telegram.inject("getUpdates", Fault.drop())
    fake_telegram.inject("sendMessage", Fault.retry_after(1))
    async with start_bot(bot_settings, fake_telegram) as bot:
        chat = bot.chat(language="de")
        await chat.user_says("Wie viele japanische Firmen gibt es in Düsseldorf?")
        await chat.command("start")
        await chat.inline("Düsseldorf")
        await bot.send_many(question_burst(20))
        # The CSV goes up as multipart.
        await bot.chat(user_id=ADMIN_ID).command("unanswered")
        # An error on a send (not made again: it may have taken effect), logged with its
        # traceback; the apology meets the second.
        fake_telegram.inject("sendMessage", Fault.server_error(500), times=2)
        await chat.user_says("How many Japanese live in NRW?")
        bot.errors.clear()  # that one was provoked

    output = log_output.getvalue()
    # The lines that carry the token's URL were there to be redacted:
    assert "Set Bot API URL" in output, "the library's own URL line was not captured"
    if transport == "httpx":
        assert "HTTP Request: POST" in output, "httpx's request lines were not captured"
    assert "getUpdates" in output and "Traceback" in output
    secret_half = token.split(":", 1)[1]
    for needle in (token, quote(token, safe=""), secret_half):
        assert needle not in output, "the token leaked into the log"


# ---- admin commands -----------------------------------------------------------------------

ADMIN_COMMANDS = ("reload", "stats", "unanswered")


@pytest.mark.parametrize("command", ADMIN_COMMANDS)
async def test_admin_commands_are_refused_to_everyone_else(
    running_bot: BotUnderTest, command: str
) -> None:
    store = running_bot.services.store
    before = store.current
    stranger = running_bot.chat(language="en", user_id=ADMIN_ID + 1)
    in_group = running_bot.chat(language="de", user_id=ADMIN_ID + 2, kind="group")
    refusals = {texts.text("refused", language) for language in texts.UI_LANGUAGES}

    for replies in (
        await stranger.command(command),
        await stranger.command(command, "--all now"),
        await stranger.user_says(f"/{command}@{running_bot.server.bot_username}"),
        await in_group.command(command),
    ):
        (refusal,) = replies
        assert visible_text(refusal.text) in refusals, replies
        assert not any(m.document or m.photo for m in replies), "data went to a non-admin"
    await stranger.user_says("hello")
    edited = await stranger.edit_last(f"/{command}")  # an edit into a command, too
    assert all(visible_text(m.text) in refusals for m in edited)
    assert store.current is before, "a non-admin's /reload reloaded the base"


# ---- forged buttons -----------------------------------------------------------------------

FORGED = (
    "q:no-such-entry", "q:../../etc/passwd", "q:", "src:nothing", "ent:Nobody", "t:nope",
    "lang:xx", "lang:__proto__", "q#AAAAAAAAAAAA", "src#" + "A" * 40, "x" * 64, "",
    "q:companies-duesseldorf\n", "lang:de;DROP TABLE", "💣:💣", "q:" + "a" * 80,
)  # fmt: skip


@pytest.mark.parametrize("data", FORGED)
async def test_forged_callback_data_is_answered_as_unknown_and_does_nothing(
    running_bot: BotUnderTest, data: str
) -> None:
    chat = running_bot.chat(language="en", user_id=31337)
    preferences = running_bot.services.preferences
    replies = await chat.press_data(data)

    (answer,) = replies.callback_answers
    assert answer.get("text") == texts.text("unknown_button", "en")
    assert not replies, f"a forged button made the bot say {replies!r}"
    assert preferences.language_of(31337) is None


# ---- hostile knowledge base files ---------------------------------------------------------

PWNED = "pwned-by-yaml"
HOSTILE_FILES = {
    "python tag": """entries:
  - id: !!python/object/apply:os.system ["touch {marker}"]
    questions: {{en: [x]}}
""",
    "python name": """entries: !!python/name:os.system
""",
    "alias bomb": "a: &a ["
    + ",".join(["x"] * 10)
    + "]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
        for i in range(8)
    )
    + "entries: [*i]\n",
}


@pytest.fixture
def tiny_base_dir(tmp_path: Path) -> Path:
    return write_base(tmp_path / "kb", "a")


@pytest.fixture
async def bot_on_tiny_base(
    bot_env: dict[str, str], tiny_base_dir: Path, fake_telegram: FakeTelegram
) -> AsyncIterator[BotUnderTest]:
    settings = Settings.from_mapping({**bot_env, "KNOWLEDGE_DIR": str(tiny_base_dir)})
    async with start_bot(settings, fake_telegram) as bot:
        yield bot


@pytest.mark.parametrize("hostile", HOSTILE_FILES.values(), ids=HOSTILE_FILES.keys())
async def test_a_hostile_base_file_is_refused_without_running_or_expanding(
    bot_on_tiny_base: BotUnderTest, tiny_base_dir: Path, tmp_path: Path, hostile: str
) -> None:
    marker = tmp_path / PWNED
    store = bot_on_tiny_base.services.store
    served = store.current
    (tiny_base_dir / "entries.yaml").write_text(hostile.format(marker=marker), encoding="utf-8")

    tracemalloc.start()
    try:
        outcome = await store.areload()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert not outcome.ok and outcome.problems
    assert not marker.exists(), "loading the base ran code"
    assert peak < 20 * 2**20, f"loading the base took {peak / 2**20:.0f} MiB"
    assert store.current is served
    replies = await bot_on_tiny_base.chat().user_says(QUESTION)
    assert "1,234" in replies.text, "the bot stopped answering from the served base"
