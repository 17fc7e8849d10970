"""Webhook mode: Telegram's POSTs are answered only when they carry the secret token."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from bot.config import Settings
from bot.telegram.app import build_application, start_webhook
from bot.telegram.services import Services
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory

SECRET = "s3cret-Token_for-tests"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Webhook:
    url: str  # where the bot listens locally
    server: FakeTelegram
    errors: list[BaseException]


@pytest.fixture
async def webhook(bot_env: dict[str, str], fake_telegram: FakeTelegram) -> AsyncIterator[Webhook]:
    port = _free_port()
    settings = Settings.from_mapping(
        {
            **bot_env,
            "WEBHOOK_URL": "https://bot.example.org/telegram/hook",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        }
    )
    services = Services.create(settings)
    app = build_application(settings, services)
    errors: list[BaseException] = []

    async def record(update: object, context: object) -> None:
        errors.append(context.error)  # type: ignore[attr-defined]

    app.add_error_handler(record)
    try:
        async with app:
            assert app.post_init is not None
            await app.post_init(app)
            # The webhook server and setWebhook exactly as bot.telegram.app.serve starts them.
            server = await start_webhook(app, settings)
            await app.start()
            try:
                yield Webhook(
                    f"http://127.0.0.1:{port}/{settings.webhook_path}", fake_telegram, errors
                )
            finally:
                await server.close()
                await app.stop()
                assert app.post_stop is not None
                await app.post_stop(app)
    finally:
        services.close()
    assert not errors


async def test_the_webhook_is_registered_with_its_secret(webhook: Webhook) -> None:
    (call,) = webhook.server.calls_of("setWebhook")
    assert call.params["url"] == "https://bot.example.org/telegram/hook"
    assert call.params["secret_token"] == SECRET


async def test_an_update_with_the_secret_is_answered(webhook: Webhook) -> None:
    update = factory.private_message("How many Japanese companies are in Düsseldorf?")
    chat_id = update["message"]["chat"]["id"]
    async with httpx.AsyncClient() as client:
        response = await client.post(
            webhook.url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 200
    (reply,) = await webhook.server.wait_for(
        "sendMessage", where=lambda c: c.params["chat_id"] == chat_id
    )
    assert reply.params["text"].strip()


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "guessed"}, {"X-Telegram-Bot-Api-Secret-Token": ""}],
    ids=["no secret", "wrong secret", "empty secret"],
)
async def test_a_request_without_the_secret_is_refused(
    webhook: Webhook, headers: dict[str, str]
) -> None:
    update = factory.private_message("How many Japanese companies are in Düsseldorf?")
    async with httpx.AsyncClient() as client:
        response = await client.post(webhook.url, json=update, headers=headers)
        # A request that was let through would be answered; a later valid one proves the
        # bot is listening, so "no answer" below means refused, not "not yet".
        probe = factory.private_message("hello", sender=factory.user(777))
        await client.post(
            webhook.url, json=probe, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 403
    await webhook.server.wait_for("sendMessage", where=lambda c: c.params["chat_id"] == 777)
    refused_chat = update["message"]["chat"]["id"]
    assert not webhook.server.calls_of("sendMessage", lambda c: c.chat_id == refused_chat)
