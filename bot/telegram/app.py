"""The Telegram application: ``build_application`` puts the pieces together, ``main`` runs it.

``python -m bot run`` (``make run``) polls Telegram by default, or serves a webhook with a
secret token when ``WEBHOOK_URL`` is set (bot/http/webhook.py). Every update goes through the
update journal (bot/stores/journal.py) before Telegram is told it arrived. SIGINT and SIGTERM shut
it down within ``SHUTDOWN_GRACE_SECONDS``, also while it is still starting; SIGHUP reloads
the knowledge base. Without a token it explains where to get one and offers the offline
console instead.

``serve`` runs the Application's lifecycle itself instead of ``run_polling``/``run_webhook``:
those install signal handlers that wait for every queued update, and serve the webhook with
tornado, which reads a body of any size before it checks the secret.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, HTTPXRequest

from bot import texts
from bot.cli import startup
from bot.cli.startup import Started, StartupFailure
from bot.config import Settings
from bot.http.aiohttp_request import AiohttpRequest, proxy_from_environment
from bot.http.recording import RecordingRequest
from bot.http.retries import RetryingRateLimiter
from bot.http.webhook import TELEGRAM_MAX_CONNECTIONS, WebhookServer
from bot.stores.journal import JournalingQueue, JournalProcessor
from bot.stores.knowledge import install_reload_signal
from bot.telegram.handlers import GATE_GROUP, PUBLIC_COMMANDS, Handlers
from bot.telegram.services import Services

log = logging.getLogger(__name__)

# Every kind of update a handler exists for; Telegram sends no others.
ALLOWED_UPDATES = (
    Update.MESSAGE,
    Update.EDITED_MESSAGE,  # only for admin commands (refused or run) sent as edits
    Update.CALLBACK_QUERY,
    Update.INLINE_QUERY,
)
# A RetryAfter (HTTP 429) is waited out and retried this often before giving up.
RETRIES_AFTER_FLOOD_WAIT = 3
# Connections beyond one per concurrently handled update, and how long a request waits for one.
SPARE_CONNECTIONS = 4
POOL_TIMEOUT = 10.0
# Used when there is no token and the transport is local (the console): never sent anywhere.
OFFLINE_TOKEN = "1:offline-console"
# Updates taken from Telegram beyond those being handled: enough that a free handler never
# waits for a fetch, few enough that a shutdown or crash leaves little to replay.
PREFETCH_PER_HANDLER = 1
POLL_TIMEOUT = 10  # seconds a getUpdates long poll waits for updates
# Seconds a getUpdates answer may take beyond its long poll (python-telegram-bot adds the poll
# time): a lost answer costs nothing, the updates come again, so this stays the library's 5.
GET_UPDATES_READ_TIMEOUT = 5.0


def build_application(
    settings: Settings,
    services: Services | None = None,
    *,
    request: BaseRequest | None = None,
    handle_signals: bool = False,
) -> Application:  # type: ignore[type-arg]
    """The bot as a python-telegram-bot ``Application``, every handler registered.

    ``services`` default to ``Services.create(settings)`` and are then closed on shutdown;
    services passed in stay the caller's to close. ``request`` replaces the HTTP transport
    (the console's in-process one). ``handle_signals`` installs the SIGHUP reload, for the
    process entry point only.
    """
    owned = services is None
    services = services if services is not None else Services.create(settings)
    handlers = Handlers(services)
    watcher: dict[str, asyncio.Task[Any]] = {}
    queue = JournalingQueue(
        services.journal, capacity=settings.concurrent_updates * (1 + PREFETCH_PER_HANDLER)
    )

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        # Updates left unanswered by the last run go first; new ones wait until they are queued.
        watcher["replay"] = queue.start_replay(app.bot)
        await _set_command_menus(app)
        if handle_signals:
            install_reload_signal(asyncio.get_running_loop(), services.store)
        if settings.watch_knowledge:
            watcher["task"] = asyncio.create_task(services.store.watch())
            watcher["task"].add_done_callback(_report_watcher_end)
        log.info("bot @%s is ready", app.bot.username)

    async def post_stop(app: Application) -> None:  # type: ignore[type-arg]
        for name in ("task", "replay"):
            task = watcher.pop(name, None)
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        if owned:
            services.close()

    builder = (
        Application.builder()
        .token(settings.token or OFFLINE_TOKEN)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .update_queue(queue)
        .concurrent_updates(JournalProcessor(queue, settings.concurrent_updates))
        .rate_limiter(
            RetryingRateLimiter(
                overall_max_rate=settings.rate_limit_per_second,
                overall_time_period=1 if settings.rate_limit_per_second else 0,
                max_retries=RETRIES_AFTER_FLOOD_WAIT,
                read_timeout=settings.http_read_timeout,
            )
        )
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    # One connection per concurrently handled update, plus a few for answers to callback and
    # inline queries sent while every handler is busy; getUpdates has a connection of its own.
    pool_size = settings.concurrent_updates + SPARE_CONNECTIONS
    # The journal keeps each fetched update as Telegram sent it (bot/http/recording.py).
    if request is not None:
        builder = builder.request(request).get_updates_request(
            RecordingRequest(request, queue.received)
        )
    else:
        builder = builder.request(
            _bot_api_request(settings, pool_size, settings.http_read_timeout, POOL_TIMEOUT)
        ).get_updates_request(
            RecordingRequest(
                _bot_api_request(settings, 1, GET_UPDATES_READ_TIMEOUT), queue.received
            )
        )
    app = builder.build()
    app.add_handler(handlers.flood_gate.handler(), group=GATE_GROUP)
    app.add_handlers(handlers.all())
    app.add_error_handler(handlers.error_reporter.on_error)
    return app


def _bot_api_request(
    settings: Settings, pool_size: int, read_timeout: float, pool_timeout: float = 1.0
) -> BaseRequest:
    """The transport ``HTTP_TRANSPORT`` names; both take the proxy from the environment."""
    if settings.http_transport == "httpx":
        return HTTPXRequest(
            connection_pool_size=pool_size,
            read_timeout=read_timeout,
            connect_timeout=settings.http_connect_timeout,
            pool_timeout=pool_timeout,
        )
    return AiohttpRequest(
        connection_pool_size=pool_size,
        read_timeout=read_timeout,
        connect_timeout=settings.http_connect_timeout,
        pool_timeout=pool_timeout,
        proxy=proxy_from_environment(settings.api_base_url),
    )


def _report_watcher_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the knowledge base watcher stopped", exc_info=task.exception())


async def _set_command_menus(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu in English (the default) and in each UI language."""
    for language in (None, *texts.UI_LANGUAGES):
        commands = [
            BotCommand(name, texts.command_description(name, language)) for name in PUBLIC_COMMANDS
        ]
        try:
            await app.bot.set_my_commands(commands, language_code=language)
        except TelegramError as error:  # a missing menu is no reason not to answer
            log.warning("could not set the %s command menu: %s", language or "default", error)


def main(args: argparse.Namespace) -> int:
    """``python -m bot run``: 0 after a clean shutdown, 1 when it cannot run, 2 on bad config
    (bot.cli.startup)."""
    overrides = {"watch_knowledge": True} if getattr(args, "watch", False) else {}
    return startup.run(args, _serve, overrides=overrides, without_token=_without_token)


def _serve(started: Started, services: Services) -> int:
    settings = started.settings
    app = build_application(settings, services, handle_signals=True)
    try:
        asyncio.run(serve(app, settings))
    except InvalidToken as error:
        raise StartupFailure(
            "Telegram rejected TELEGRAM_BOT_TOKEN: check it in your .env, or ask @BotFather "
            "for the token again (/token)."
        ) from error
    except NetworkError as error:
        raise StartupFailure(
            f"Cannot reach the Telegram Bot API at {_host_of(settings.api_base_url)} "
            f"(TELEGRAM_API_BASE_URL): {started.redactor.redact(str(error))}"
        ) from error
    return 0


async def serve(app: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    """Run ``app`` until SIGINT or SIGTERM: polling, or the webhook when one is configured.

    A signal before the bot is up (``getMe`` hanging, say) cancels the start-up; after that
    it begins the shutdown: nothing new is started, the updates in progress get
    ``shutdown_grace_seconds``, the rest stay in the journal.
    """
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    stop = asyncio.Event()
    state = {"up": False}

    def on_signal() -> None:
        if state["up"]:
            stop.set()
        else:
            main.cancel()

    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal)
    webhook: WebhookServer | None = None
    processor = app.update_processor
    try:
        try:
            await app.initialize()  # getMe
        except asyncio.CancelledError:
            log.info("stopped while starting")
            await _close_requests(app)
            return
        except BaseException:
            # Unreachable API, rejected token: the start-up failure is reported by the
            # caller; the HTTP clients are closed here (aiohttp warns of an open session).
            await _close_requests(app)
            raise
        try:
            if app.post_init:
                await app.post_init(app)
            if settings.webhook_url:
                webhook = await start_webhook(app, settings)
            else:
                log.info("polling %s for updates", _host_of(settings.api_base_url))
                assert app.updater is not None
                await app.updater.start_polling(
                    timeout=POLL_TIMEOUT,
                    allowed_updates=list(ALLOWED_UPDATES),
                    drop_pending_updates=False,
                )
            await app.start()
            state["up"] = True
            await stop.wait()
        except asyncio.CancelledError:
            log.info("stopped while starting")
        finally:
            await _stop(app, settings, processor, webhook)
    finally:
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


async def start_webhook(app: Application, settings: Settings) -> WebhookServer:  # type: ignore[type-arg]
    assert settings.webhook_url and settings.webhook_secret
    server = WebhookServer(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        path=settings.webhook_path,
        secret=settings.webhook_secret,
        update_queue=app.update_queue,
        bot=app.bot,
    )
    await server.start()
    log.info("serving a webhook on %s:%d for %s", settings.webhook_listen,
             server.port, settings.webhook_url)  # fmt: skip
    await app.bot.set_webhook(
        url=settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=list(ALLOWED_UPDATES),
        max_connections=TELEGRAM_MAX_CONNECTIONS,
        drop_pending_updates=False,
    )
    return server


async def _stop(
    app: Application,  # type: ignore[type-arg]
    settings: Settings,
    processor: object,
    webhook: WebhookServer | None,
) -> None:
    """Take no new updates, let those in progress finish (within the grace), shut down."""
    if isinstance(processor, JournalProcessor):
        processor.begin_shutdown(settings.shutdown_grace_seconds)
    if webhook is not None:
        await webhook.close()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


async def _close_requests(app: Application) -> None:  # type: ignore[type-arg]
    """The HTTP clients of a bot whose ``initialize`` was cancelled (``shutdown`` would not)."""
    for request in set(getattr(app.bot, "_request", ())):
        with contextlib.suppress(Exception):
            await request.shutdown()


def _host_of(url: str) -> str:
    return urlsplit(url).netloc or url


NO_TOKEN_HELP = """\
No Telegram bot token is configured, so the bot cannot connect to Telegram yet.

To get a token:
  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a display name, then a username ending in "bot" (e.g. nrw_japan_bot).
  3. BotFather replies with a token such as 123456789:AAH... - keep it secret.
  4. Put it into {env_file}:
         TELEGRAM_BOT_TOKEN=123456789:AAH...
     (cp .env.example .env gives you every setting, documented), then run `make run` again.
  Optional: send /setinline to @BotFather to enable inline mode (@yourbot question).
"""


def _without_token(started: Started) -> int:
    env_file = started.env_file
    print(NO_TOKEN_HELP.format(env_file=env_file.resolve()))
    if not sys.stdin.isatty():
        print("To try the bot without a token, chat with it offline: make console")
        print("(or: python -m bot console)")
        return 0
    try:
        answer = input("Start the offline console chat now? [Y/n] ").strip().lower()
    except (EOFError, KeyboardInterrupt):
        print()
        return 0
    if answer not in ("", "y", "yes", "j", "ja", "はい"):
        return 0
    from bot.cli import console

    console_args: Any = argparse.Namespace(env_file=str(env_file), kb=None, lang=None)
    return int(console.main(console_args))
