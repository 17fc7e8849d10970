"""Settings from the environment and .env: defaults, overrides, one-line errors."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.config import SETTING_NAMES, ConfigError, Settings, load_settings
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR
from tests.bot.bot_process import run_bot_once

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAH-example_token_for_tests_0123456"


def test_nothing_configured_gives_working_defaults() -> None:
    settings = Settings.from_mapping({})
    assert settings.token is None
    assert settings.admin_ids == frozenset()
    assert settings.knowledge_dir == SHIPPED_KNOWLEDGE_DIR
    assert settings.data_dir == Path("data")
    assert settings.api_base_url == "https://api.telegram.org/bot"
    assert settings.api_file_url == "https://api.telegram.org/file/bot"
    assert settings.webhook_url is None
    assert (settings.flood_limit_per_minute, settings.concurrent_updates) == (20, 8)


def test_every_setting_is_read() -> None:
    settings = Settings.from_mapping(
        {
            "TELEGRAM_BOT_TOKEN": f" {TOKEN} ",
            "ADMIN_IDS": "11, 22,33",
            "KNOWLEDGE_DIR": "/srv/kb",
            "DATA_DIR": "/var/lib/bot",
            "LOG_LEVEL": "debug",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": "8080",
            "WEBHOOK_SECRET": "s3cret_-X",
            "FLOOD_LIMIT_PER_MINUTE": "5",
            "ANALYTICS_RETENTION_DAYS": "30",
            "WATCH_KNOWLEDGE": "yes",
            "CONCURRENT_UPDATES": "8",
            "RATE_LIMIT_PER_SECOND": "0",
        }
    )
    assert settings.token == TOKEN
    assert settings.admin_ids == frozenset({11, 22, 33})
    assert settings.knowledge_dir == Path("/srv/kb")
    assert settings.data_dir == Path("/var/lib/bot")
    assert settings.log_level == "DEBUG"
    assert settings.api_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.webhook_path == "telegram/hook"
    assert (settings.webhook_listen, settings.webhook_port) == ("127.0.0.1", 8080)
    assert settings.webhook_secret == "s3cret_-X"
    assert settings.flood_limit_per_minute == 5
    assert settings.analytics_retention_days == 30
    assert settings.watch_knowledge is True
    assert settings.concurrent_updates == 8
    assert settings.rate_limit_per_second == 0


def test_the_token_is_never_in_the_repr() -> None:
    settings = Settings.from_mapping({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN.split(":")[1] not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("TELEGRAM_BOT_TOKEN", "paste-your-token-here", "does not look like a bot token"),
        ("ADMIN_IDS", "12,@alice", "'@alice' is not a numeric Telegram user id"),
        ("ADMIN_IDS", "-5", "not a numeric Telegram user id"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("TELEGRAM_API_BASE_URL", "127.0.0.1:8081/bot", "is not an http:// or https:// URL"),
        ("WEBHOOK_PORT", "http", "WEBHOOK_PORT: 'http' is not a whole number"),
        ("WEBHOOK_PORT", "70000", "out of range"),
        ("FLOOD_LIMIT_PER_MINUTE", "-1", "out of range"),
        ("CONCURRENT_UPDATES", "0", "out of range"),
        ("ANALYTICS_RETENTION_DAYS", "0", "out of range"),
        ("WATCH_KNOWLEDGE", "maybe", "not a yes/no value"),
        ("RATE_LIMIT_PER_SECOND", "nan", "out of range"),
        ("HTTP_TRANSPORT", "curl", "HTTP_TRANSPORT: expected one of aiohttp, httpx"),
        (
            "WEBHOOK_URL",
            "http://bot.example.org/hook",
            "WEBHOOK_URL: 'http://bot.example.org/hook' is not an https:// URL",
        ),
        (
            "TELEGRAM_API_BASE_URL",
            "http://127.0.0.1:8081/api",
            "TELEGRAM_API_FILE_URL: cannot derive",
        ),
    ],
)
def test_invalid_values_are_named_in_one_line(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_mapping({name: value})
    message = str(caught.value)
    assert says in message
    assert "\n" not in message


def test_a_webhook_needs_a_secret() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET is required"):
        Settings.from_mapping({"WEBHOOK_URL": "https://bot.example.org/hook"})
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET: use 1-256 characters"):
        Settings.from_mapping({"WEBHOOK_URL": "https://x.org/h", "WEBHOOK_SECRET": "no spaces"})


def test_a_rejected_token_is_not_echoed() -> None:
    secret = "AAH" + "x" * 30 + "!"
    with pytest.raises(ConfigError) as caught:
        Settings.from_mapping({"TELEGRAM_BOT_TOKEN": f"12345:{secret}"})
    assert secret not in str(caught.value)


def test_the_environment_overrides_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        f"# comment\nTELEGRAM_BOT_TOKEN={TOKEN}\nLOG_LEVEL=WARNING\nADMIN_IDS='1,2'\n",
        encoding="utf-8",
    )
    settings = load_settings(env_file, {"LOG_LEVEL": "ERROR", "UNRELATED": "x"})
    assert settings.token == TOKEN
    assert settings.log_level == "ERROR"
    assert settings.admin_ids == frozenset({1, 2})


def test_a_missing_default_env_file_is_fine_but_a_named_one_is_an_error(tmp_path: Path) -> None:
    assert load_settings(tmp_path / ".env", {}).token is None
    with pytest.raises(ConfigError, match="settings file not found"):
        load_settings(tmp_path / "prod.env", {}, env_file_required=True)


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE)
    assert sorted(set(named)) == sorted(SETTING_NAMES)
    # Every setting line is preceded by a comment explaining it.
    lines = example.splitlines()
    for index, line in enumerate(lines):
        if line.split("=")[0].lstrip("# ") in SETTING_NAMES and "=" in line:
            assert lines[index - 1].startswith("#"), line
    # And the example itself is valid configuration: the defaults, written out.
    assert load_settings(ROOT / ".env.example", {}) == Settings()


def test_each_default_is_the_one_written_on_its_field() -> None:
    assert Settings.from_mapping({}) == Settings()
    assert Settings.from_mapping({name: "  " for name in SETTING_NAMES}) == Settings()


def run_bot(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_bot_once(tmp_path, env, *args, timeout=60)


def test_run_with_invalid_config_exits_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {"ADMIN_IDS": "alice"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "ADMIN_IDS" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_run_without_a_token_explains_botfather_and_the_console(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {"DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0
    assert "@BotFather" in result.stdout
    assert "TELEGRAM_BOT_TOKEN=" in result.stdout
    assert str(tmp_path / ".env") in result.stdout
    assert "make console" in result.stdout
    assert "Traceback" not in result.stderr


def test_run_with_a_broken_base_lists_its_problems_and_exits_1(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "base.yaml").write_text("base:\n  title: [not, a, title\n", encoding="utf-8")
    result = run_bot(
        tmp_path,
        {"TELEGRAM_BOT_TOKEN": TOKEN, "KNOWLEDGE_DIR": str(kb), "DATA_DIR": str(tmp_path / "d"),
         "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot"},
    )  # fmt: skip
    assert result.returncode == 1
    assert "base.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_table_lists_every_setting_and_nothing_else() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    named = {name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    assert named == set(SETTING_NAMES)
