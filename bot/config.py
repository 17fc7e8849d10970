"""Every setting of the bot in one frozen object, read from the environment and ``.env``.

Each setting is one field of ``Settings``: its default, the environment name it is read
from and how its text is parsed, written once (``setting(...)``). ``Settings.from_mapping``
takes a plain mapping, so a test passes a dict; ``load_settings`` merges ``.env`` with
``os.environ`` (the environment wins, as deployment tools expect). Invalid values raise
``ConfigError`` with a one-line message naming the variable; the value itself is never
echoed when it may be a secret. ``.env.example`` documents each name (a test keeps them in
step).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dotenv import dotenv_values

from intents.responder import REMEMBERED_REPLIES
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR

TELEGRAM_API_BASE_URL = "https://api.telegram.org/bot"

# BotFather tokens look like "123456789:AA...": the bot's numeric id, a colon, a secret.
_TOKEN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")
# Telegram's rule for secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and -.
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


# Updates handled at once. Each waits for Telegram (tens of milliseconds away) most of its
# time, so a few in flight keep a core busy; many more only add connections and switching
# (with 64, every request scanned a pool of 72 connections: 30 % slower on 2 cores).
DEFAULT_CONCURRENT_UPDATES = 8


class ConfigError(Exception):
    """A setting that cannot be used; the message is one line meant for the operator."""


# How a setting's text becomes its value: (NAME, non-blank text) -> value, or ConfigError.
Parser = Callable[[str, str], Any]


def setting(name: str, default: Any, parse: Parser, *, secret: bool = False) -> Any:
    """A field of ``Settings`` read from environment variable ``name``; blank: ``default``.
    A ``secret`` is left out of the repr, so printing the settings never shows it."""
    return field(default=default, repr=not secret, metadata={"env": name, "parse": parse})


def _text(name: str, text: str) -> str:
    return text


def _path(name: str, text: str) -> Path:
    return Path(text).expanduser()


def _token(name: str, text: str) -> str:
    if not _TOKEN.match(text):
        raise ConfigError(
            f"{name} does not look like a bot token from @BotFather "
            "(expected digits, a colon, then letters, digits, _ or -)"
        )
    return text


def _webhook_secret(name: str, text: str) -> str:
    if not _WEBHOOK_SECRET.match(text):
        raise ConfigError(
            f"{name}: use 1-256 characters from A-Z, a-z, 0-9, _ and - "
            "(Telegram's rule for a webhook secret token)"
        )
    return text


def _admin_ids(name: str, text: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        if not part.isdecimal() or int(part) <= 0:
            raise ConfigError(
                f"{name}: {part[:40]!r} is not a numeric Telegram user id "
                "(use comma-separated numbers; usernames can change, ids cannot)"
            )
        ids.add(int(part))
    return frozenset(ids)


def _log_level(name: str, text: str) -> str:
    level = text.upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"{name}: {text[:40]!r} is not one of {', '.join(_LOG_LEVELS)}")
    return level


def _url(*schemes: str, why: str = "") -> Parser:
    """An absolute URL with one of ``schemes``."""
    shown = " or ".join(f"{scheme}://" for scheme in schemes)

    def parse(name: str, text: str) -> str:
        parts = urlsplit(text)
        if parts.scheme not in schemes or not parts.netloc:
            raise ConfigError(f"{name}: {text[:80]!r} is not an {shown} URL{why}")
        return text

    return parse


def _integer(minimum: int, maximum: int | None = None) -> Parser:
    def parse(name: str, text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ConfigError(f"{name}: {text[:40]!r} is not a whole number") from None
        if value < minimum or (maximum is not None and value > maximum):
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise ConfigError(f"{name}: {value} is out of range (must be {bounds})")
        return value

    return parse


def _number(minimum: float) -> Parser:
    def parse(name: str, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{name}: {text[:40]!r} is not a number") from None
        if not value >= minimum or value == float("inf"):
            raise ConfigError(f"{name}: {text[:40]!r} is out of range (must be >= {minimum:g})")
        return value

    return parse


def _boolean(name: str, text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}: {text[:40]!r} is not a yes/no value (use true or false)")


def _choice(*allowed: str) -> Parser:
    """One of ``allowed``, case-insensitively."""

    def parse(name: str, text: str) -> str:
        if text.lower() not in allowed:
            raise ConfigError(f"{name}: expected one of {', '.join(allowed)}, got {text[:40]!r}")
        return text.lower()

    return parse


@dataclass(frozen=True)
class Settings:
    token: str | None = setting("TELEGRAM_BOT_TOKEN", None, _token, secret=True)
    admin_ids: frozenset[int] = setting("ADMIN_IDS", frozenset(), _admin_ids)
    knowledge_dir: Path = setting("KNOWLEDGE_DIR", SHIPPED_KNOWLEDGE_DIR, _path)
    data_dir: Path = setting("DATA_DIR", Path("data"), _path)
    log_level: str = setting("LOG_LEVEL", "INFO", _log_level)
    api_base_url: str = setting(
        "TELEGRAM_API_BASE_URL", TELEGRAM_API_BASE_URL, _url("http", "https")
    )
    # Blank: derived from api_base_url (".../bot" becomes ".../file/bot").
    api_file_url: str = setting("TELEGRAM_API_FILE_URL", "", _url("http", "https"))
    # Telegram posts updates to HTTPS addresses only (setWebhook refuses others).
    webhook_url: str | None = setting(
        "WEBHOOK_URL", None, _url("https", why=" (Telegram only posts updates over HTTPS)")
    )
    # Behind a TLS proxy on the same machine.
    webhook_listen: str = setting("WEBHOOK_LISTEN", "127.0.0.1", _text)
    webhook_port: int = setting("WEBHOOK_PORT", 8443, _integer(1, 65535))
    webhook_secret: str | None = setting("WEBHOOK_SECRET", None, _webhook_secret, secret=True)
    flood_limit_per_minute: int = setting("FLOOD_LIMIT_PER_MINUTE", 20, _integer(0))
    analytics_retention_days: int = setting("ANALYTICS_RETENTION_DAYS", 90, _integer(1))
    watch_knowledge: bool = setting("WATCH_KNOWLEDGE", False, _boolean)
    concurrent_updates: int = setting(
        "CONCURRENT_UPDATES", DEFAULT_CONCURRENT_UPDATES, _integer(1, 1024)
    )
    # Replies kept for questions asked again, per base (intents/responder.py); 0: none.
    remembered_replies: int = setting(
        "REMEMBERED_REPLIES", REMEMBERED_REPLIES, _integer(0, 100_000)
    )
    # Telegram's limit of about 30 messages a second across chats (Bot FAQ).
    rate_limit_per_second: float = setting("RATE_LIMIT_PER_SECOND", 30.0, _number(0.0))
    # "aiohttp": bot/http/aiohttp_request.py for the Bot API calls; "httpx": python-telegram-bot's
    # own HTTPXRequest throughout (slower, and the operator's escape hatch should ours misbehave).
    http_transport: str = setting("HTTP_TRANSPORT", "aiohttp", _choice("aiohttp", "httpx"))
    # Seconds to connect to the Bot API (python-telegram-bot's default), and to wait for its
    # answer to a call. Patient: a call whose answer timed out may have taken effect, so a send
    # is not made again (bot/http/retries.py), and a slow Telegram is better waited out.
    http_connect_timeout: float = setting("HTTP_CONNECT_TIMEOUT", 5.0, _number(0.1))
    http_read_timeout: float = setting("HTTP_READ_TIMEOUT", 20.0, _number(0.1))
    # On SIGTERM/SIGINT, updates being handled get this long to finish; the rest stay in the
    # update journal for the next start. Below the 10 s a container runtime usually waits.
    shutdown_grace_seconds: float = setting("SHUTDOWN_GRACE_SECONDS", 8.0, _number(0.0))
    # Log message texts and user ids (at DEBUG, python-telegram-bot logs whole updates);
    # off, they are redacted from every log line.
    log_message_content: bool = setting("LOG_MESSAGE_CONTENT", False, _boolean)

    def __post_init__(self) -> None:
        if not self.api_file_url:
            object.__setattr__(self, "api_file_url", _file_url_for(self.api_base_url))
        if self.webhook_url and self.webhook_secret is None:
            raise ConfigError(
                "WEBHOOK_SECRET is required when WEBHOOK_URL is set, so that only Telegram "
                "can post updates (e.g. WEBHOOK_SECRET=$(openssl rand -hex 32))"
            )

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | None]) -> Settings:
        """Build settings from NAME -> text; missing or blank names take their defaults."""
        values: dict[str, Any] = {}
        for each in fields(cls):
            name = each.metadata["env"]
            text = (mapping.get(name) or "").strip()
            if text:
                values[each.name] = each.metadata["parse"](name, text)
        return cls(**values)

    @property
    def webhook_path(self) -> str:
        """The path the webhook server listens on: the path of WEBHOOK_URL."""
        return urlsplit(self.webhook_url or "").path.strip("/")


# Every name the bot reads, in the order of the fields; .env.example documents each one.
SETTING_NAMES = tuple(each.metadata["env"] for each in fields(Settings))


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


def _file_url_for(base_url: str) -> str:
    """Telegram serves files under /file/bot<TOKEN>: derive that from the API base URL."""
    head, separator, tail = base_url.rpartition("/bot")
    if not separator:
        raise ConfigError(
            "TELEGRAM_API_FILE_URL: cannot derive it from TELEGRAM_API_BASE_URL "
            "(no '/bot' in it); set TELEGRAM_API_FILE_URL too"
        )
    return f"{head}/file/bot{tail}"
