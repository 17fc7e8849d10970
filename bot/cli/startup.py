"""One start-up path for ``python -m bot run`` and ``python -m bot console``.

Settings, logging, ``DATA_DIR``, the knowledge base and the stores, in that order; then the
face's own work. Whatever stops the start is ONE line on stderr that names the cause and
the setting to look at, with exit code 2 for configuration (a setting that cannot be used)
and 1 for everything else; the traceback only at ``LOG_LEVEL=DEBUG``. A broken knowledge
base lists its problems, one per line (``python -m bot check`` shows the same).
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.cli.base_problems import print_problems
from bot.config import ConfigError, Settings, load_settings
from bot.logging_setup import SecretRedactor, configure_logging
from bot.stores.migrations import SchemaError
from bot.telegram.services import Services
from knowledge import KnowledgeError

log = logging.getLogger(__name__)

CONFIGURATION = 2  # exit code: a setting cannot be used
FAILURE = 1  # exit code: anything else that stops the start


class StartupFailure(Exception):
    """Why the bot cannot start, as the one line the operator reads, and the exit code."""

    def __init__(self, line: str, exit_code: int = FAILURE) -> None:
        super().__init__(line)
        self.line = line
        self.exit_code = exit_code


@dataclasses.dataclass(frozen=True)
class Started:
    """What a face is given once the start-up went through."""

    settings: Settings
    redactor: SecretRedactor
    env_file: Path


# A face: its work once started, returning the exit code.
Face = Callable[[Started, Services], int]


def run(
    args: argparse.Namespace,
    face: Face,
    *,
    overrides: dict[str, Any] | None = None,
    quiet: bool = False,
    without_token: Callable[[Started], int] | None = None,
) -> int:
    """Start up (see the module docstring) and run ``face``; the exit code.

    ``overrides`` replace settings (command-line flags); ``quiet`` logs only warnings unless
    LOG_LEVEL=DEBUG (the console, whose chat log lines would interrupt); ``without_token``
    runs instead of opening anything when no TELEGRAM_BOT_TOKEN is set.
    """
    env_file = Path(getattr(args, "env_file", None) or ".env")
    debug = False
    try:
        try:
            settings = load_settings(env_file, env_file_required=env_file != Path(".env"))
            settings = dataclasses.replace(settings, **(overrides or {}))
        except ConfigError as error:
            raise StartupFailure(f"Configuration error: {error}", CONFIGURATION) from error
        debug = settings.log_level == "DEBUG"
        redactor = configure_logging(
            "WARNING" if quiet and not debug else settings.log_level,
            [settings.token, settings.webhook_secret],
            show_content=settings.log_message_content,
        )
        started = Started(settings, redactor, env_file)
        if settings.token is None and without_token is not None:
            return without_token(started)
        check_data_dir(settings.data_dir)
        services = open_services(settings, redactor)
        try:
            return face(started, services)
        finally:
            services.close()
    except StartupFailure as failure:
        if debug:
            traceback.print_exception(failure.__cause__ or failure, file=sys.stderr)
        print(failure.line, file=sys.stderr)
        return failure.exit_code


def check_data_dir(data_dir: Path) -> None:
    """``DATA_DIR`` exists (created if need be) and takes a file, or ``StartupFailure``."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise StartupFailure(
            f"Configuration error: DATA_DIR={data_dir} cannot be used ({reason}); "
            "set DATA_DIR to a directory the bot may create and write",
            CONFIGURATION,
        ) from error


def open_services(settings: Settings, redactor: SecretRedactor) -> Services:
    """The knowledge base and the stores, or ``StartupFailure`` saying why not."""
    try:
        return Services.create(settings)
    except KnowledgeError as error:
        print_problems(settings.knowledge_dir, error, sys.stderr)
        raise StartupFailure(
            "Fix them (python -m bot check shows the same list) or point KNOWLEDGE_DIR "
            "at another base, then start again."
        ) from error
    except SchemaError as error:
        raise StartupFailure(f"Cannot start: {error} (in DATA_DIR)") from error
    except Exception as error:  # a store that cannot be opened, say
        raise StartupFailure(
            f"Cannot start: {redactor.redact(str(error))} (DATA_DIR={settings.data_dir})"
        ) from error
