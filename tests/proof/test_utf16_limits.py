"""Telegram's 4,096 limit is in UTF-16 code units: an emoji (outside the BMP) counts two,
a Japanese character one. The fake server enforces it as Telegram does, and the bot's
messages and admin reports keep to it."""

from __future__ import annotations

import httpx
import pytest

from bot.telegram import admin
from bot.telegram.render import (
    BOLD,
    MAX_MESSAGE_LENGTH,
    Block,
    render_blocks,
    render_list,
    utf16_length,
)
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory

EMOJI = "📈"  # two UTF-16 units
JAPANESE = "デュッセルドルフ"  # one unit each


def send(server: FakeTelegram, text: str) -> httpx.Response:
    chat = factory.DEFAULT_USER_ID
    url = f"{server.base_url}{server.token}/sendMessage"
    return httpx.post(url, json={"chat_id": chat, "text": text}, timeout=10)


def test_the_fake_server_counts_utf16_units_like_telegram(fake_telegram: FakeTelegram) -> None:
    assert send(fake_telegram, EMOJI * 2048).status_code == 200  # 4,096 units
    too_long = EMOJI * 2049  # 2,049 code points, 4,098 units
    response = send(fake_telegram, too_long)
    assert response.status_code == 400 and "too long" in response.json()["description"]
    assert send(fake_telegram, JAPANESE * 512).status_code == 200  # 4,096 units
    assert send(fake_telegram, JAPANESE * 512 + "x").status_code == 400


@pytest.mark.parametrize(
    "unit", [EMOJI, JAPANESE, f"Aktie {EMOJI} 株式 "], ids=["emoji", "ja", "mixed"]
)
def test_rendered_messages_fit_in_utf16_units_and_are_accepted(
    fake_telegram: FakeTelegram, unit: str
) -> None:
    text = (unit * 700 + "。\n\n") * 6
    messages = render_blocks([Block(text)])
    assert len(messages) > 1
    for message in messages:
        assert utf16_length(message.html) <= MAX_MESSAGE_LENGTH
        assert send(fake_telegram, message.html).status_code == 200


def test_an_admin_report_of_emoji_and_japanese_fits(fake_telegram: FakeTelegram) -> None:
    lines = [f"{index}. {EMOJI * 150}{JAPANESE * 20}" for index in range(60)]
    clipped = [admin.clip(line) for line in lines]
    (message,) = render_list(Block("head", BOLD), clipped, lambda count: f"… {count} more")
    report = message.html
    assert len(report) < MAX_MESSAGE_LENGTH < utf16_length("\n".join(lines))
    assert utf16_length(report) <= MAX_MESSAGE_LENGTH
    assert send(fake_telegram, report).status_code == 200
    assert utf16_length(admin.clip(EMOJI * 400)) <= 300  # a cut line, no half emoji
    assert "\ufffd" not in admin.clip(EMOJI * 400).encode("utf-16-le", "surrogatepass").decode(
        "utf-16-le", "replace"
    )
