"""Every setting of the bot in one frozen object, read from the environment and ``.env``.

``Settings.from_mapping`` takes a plain mapping, so a test passes a dict; ``load_settings``
merges ``.env`` with ``os.environ`` (the environment wins, as deployment tools expect).
Invalid values raise ``ConfigError`` with a one-line message naming the variable; the
value itself is never echoed when it may be a secret. ``.env.example`` documents each name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

from knowledge.paths import SHIPPED_KNOWLEDGE_DIR

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"

# Every name the bot reads; .env.example documents each one.
SETTING_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "ADMIN_IDS",
    "KNOWLEDGE_DIR",
    "DATA_DIR",
    "LOG_LEVEL",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_API_FILE_URL",
    "WEBHOOK_URL",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "WEBHOOK_SECRET",
    "FLOOD_LIMIT_PER_MINUTE",
    "ANALYTICS_RETENTION_DAYS",
    "WATCH_KNOWLEDGE",
    "CONCURRENT_UPDATES",
    "RATE_LIMIT_PER_SECOND",
    "HTTP_TRANSPORT",
    "HTTP_CONNECT_TIMEOUT",
    "HTTP_READ_TIMEOUT",
    "SHUTDOWN_GRACE_SECONDS",
    "LOG_MESSAGE_CONTENT",
)

# BotFather tokens look like "123456789:AA...": the bot's numeric id, a colon, a secret.
_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
# Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


# Updates handled at once. Each waits for Telegram (tens of milliseconds away) most of its
# time, so a few in flight keep a core busy; many more only add connections and switching
# (with 64, every request scanned a pool of 72 connections: 30 % slower on 2 cores).
DEFAULT_CONCURRENT_UPDATES = 8


class ConfigError(Exception):
    """A setting that cannot be used; the message is one line meant for the operator."""


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # repr=False: never print the token
    admin_ids: frozenset[int] = frozenset()
    knowledge_dir: Path = SHIPPED_KNOWLEDGE_DIR
    data_dir: Path = Path("data")
    log_level: str = "INFO"
    api_base_url: str = TELEGRAM_API_BASE_URL
    api_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind a TLS proxy on the same machine
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    flood_limit_per_minute: int = 20
    analytics_retention_days: int = 90
    watch_knowledge: bool = False
    concurrent_updates: int = DEFAULT_CONCURRENT_UPDATES
    rate_limit_per_second: float = 30.0
    # "aiohttp": bot/http/aiohttp_request.py for the Bot API calls; "httpx": python-telegram-bot's
    # own HTTPXRequest throughout (slower, and the operator's escape hatch should ours misbehave).
    http_transport: str = "aiohttp"
    # Seconds to connect to the Bot API (python-telegram-bot's default), and to wait for its
    # answer to a call. Patient: a call whose answer timed out may have taken effect, so a send
    # is not made again (bot/http/retries.py), and a slow Telegram is better waited out.
    http_connect_timeout: float = 5.0
    http_read_timeout: float = 20.0
    # On SIGTERM/SIGINT, updates being handled get this long to finish; the rest stay in the
    # update journal for the next start. Below the 10 s a container runtime usually waits.
    shutdown_grace_seconds: float = 8.0
    # Log message texts and user ids (at DEBUG, python-telegram-bot logs whole updates);
    # off, they are redacted from every log line.
    log_message_content: bool = False

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | None]) -> Settings:
        """Build settings from NAME -> text; missing or blank names take their defaults."""
        env = {name: (mapping.get(name) or "").strip() for name in SETTING_NAMES}

        api_base_url = _url(env, "TELEGRAM_API_BASE_URL") or TELEGRAM_API_BASE_URL
        api_file_url = _url(env, "TELEGRAM_API_FILE_URL") or _file_url_for(api_base_url)
        webhook_url = _url(env, "WEBHOOK_URL") or None
        webhook_secret = env["WEBHOOK_SECRET"] or None
        if webhook_secret is not None and not _WEBHOOK_SECRET.match(webhook_secret):
            raise ConfigError(
                "WEBHOOK_SECRET: use 1-256 characters from A-Z, a-z, 0-9, _ and - "
                "(Telegram's rule for a webhook secret token)"
            )
        if webhook_url and webhook_secret is None:
            raise ConfigError(
                "WEBHOOK_SECRET is required when WEBHOOK_URL is set, so that only Telegram "
                "can post updates (e.g. WEBHOOK_SECRET=$(openssl rand -hex 32))"
            )

        return cls(
            token=_token(env["TELEGRAM_BOT_TOKEN"]),
            admin_ids=_admin_ids(env["ADMIN_IDS"]),
            knowledge_dir=_path(env["KNOWLEDGE_DIR"]) or SHIPPED_KNOWLEDGE_DIR,
            data_dir=_path(env["DATA_DIR"]) or Path("data"),
            log_level=_log_level(env["LOG_LEVEL"]),
            api_base_url=api_base_url,
            api_file_url=api_file_url,
            webhook_url=webhook_url,
            webhook_listen=env["WEBHOOK_LISTEN"] or "127.0.0.1",
            webhook_port=_integer(env, "WEBHOOK_PORT", 8443, minimum=1, maximum=65535),
            webhook_secret=webhook_secret,
            flood_limit_per_minute=_integer(env, "FLOOD_LIMIT_PER_MINUTE", 20, minimum=0),
            analytics_retention_days=_integer(env, "ANALYTICS_RETENTION_DAYS", 90, minimum=1),
            watch_knowledge=_boolean(env, "WATCH_KNOWLEDGE"),
            concurrent_updates=_integer(
                env, "CONCURRENT_UPDATES", DEFAULT_CONCURRENT_UPDATES, minimum=1, maximum=1024
            ),
            rate_limit_per_second=_number(env, "RATE_LIMIT_PER_SECOND", 30.0, minimum=0.0),
            http_transport=_choice(env, "HTTP_TRANSPORT", ("aiohttp", "httpx")),
            http_connect_timeout=_number(env, "HTTP_CONNECT_TIMEOUT", 5.0, minimum=0.1),
            http_read_timeout=_number(env, "HTTP_READ_TIMEOUT", 20.0, minimum=0.1),
            shutdown_grace_seconds=_number(env, "SHUTDOWN_GRACE_SECONDS", 8.0, minimum=0.0),
            log_message_content=_boolean(env, "LOG_MESSAGE_CONTENT"),
        )

    @property
    def webhook_path(self) -> str:
        """The path the webhook server listens on: the path of WEBHOOK_URL."""
        return urlsplit(self.webhook_url or "").path.strip("/")


def load_settings(
    env_file: str | os.PathLike[str] | None = ".env",
    environ: Mapping[str, str] | None = None,
    *,
    env_file_required: bool = False,
) -> Settings:
    """Settings from ``env_file`` (if it exists) overridden by ``environ`` (default os.environ)."""
    merged: dict[str, str | None] = {}
    if env_file is not None:
        path = Path(env_file)
        if path.is_file():
            try:
                merged.update(dotenv_values(path, encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read settings file ({exc})") from None
        elif env_file_required:
            raise ConfigError(f"{path}: settings file not found")
    environment = os.environ if environ is None else environ
    merged.update({name: environment[name] for name in SETTING_NAMES if name in environment})
    return Settings.from_mapping(merged)


def _token(text: str) -> str | None:
    if not text:
        return None
    if not _TOKEN.match(text):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather "
            "(expected digits, a colon, then letters, digits, _ or -)"
        )
    return text


def _admin_ids(text: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        if not part.isdecimal() or int(part) <= 0:
            raise ConfigError(
                f"ADMIN_IDS: {part[:40]!r} is not a numeric Telegram user id "
                "(use comma-separated numbers; usernames can change, ids cannot)"
            )
        ids.add(int(part))
    return frozenset(ids)


def _path(text: str) -> Path | None:
    return Path(text).expanduser() if text else None


def _log_level(text: str) -> str:
    level = (text or "INFO").upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL: {text[:40]!r} is not one of {', '.join(_LOG_LEVELS)}")
    return level


def _url(env: Mapping[str, str], name: str) -> str:
    text = env[name]
    if text and (urlsplit(text).scheme not in ("http", "https") or not urlsplit(text).netloc):
        raise ConfigError(f"{name}: {text[:80]!r} is not an http:// or https:// URL")
    return text


def _file_url_for(base_url: str) -> str:
    """Telegram serves files under /file/bot<TOKEN>: derive that from the API base URL."""
    head, separator, tail = base_url.rpartition("/bot")
    if not separator:
        raise ConfigError(
            "TELEGRAM_API_FILE_URL: cannot derive it from TELEGRAM_API_BASE_URL "
            "(no '/bot' in it); set TELEGRAM_API_FILE_URL too"
        )
    return f"{head}/file/bot{tail}"


def _integer(
    env: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    text = env[name]
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name}: {text[:40]!r} is not a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        raise ConfigError(f"{name}: {value} is out of range (must be {bounds})")
    return value


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    text = env[name]
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{name}: {text[:40]!r} is not a number") from None
    if not value >= minimum or value == float("inf"):
        raise ConfigError(f"{name}: {text[:40]!r} is out of range (must be >= {minimum:g})")
    return value


def _boolean(env: Mapping[str, str], name: str) -> bool:
    text = env[name].lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name}: {env[name][:40]!r} is not a yes/no value (use true or false)")


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    """One of ``allowed`` (the first when blank), case-insensitively."""
    value = env[name].lower() or allowed[0]
    if value not in allowed:
        raise ConfigError(f"{name}: expected one of {', '.join(allowed)}, got {env[name]!r}")
    return value
