"""A burst of thousands of questions through the real Application: each answered exactly once."""

from __future__ import annotations

import pytest

from bot.offline.updates import question_burst
from tests.fake_telegram.harness import BotUnderTest
from tests.proof.conftest import chats_of, replies_per_chat

BURST = 2000


@pytest.mark.timeout(120)
@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="0")
async def test_a_burst_is_answered_once_per_question(running_bot: BotUnderTest) -> None:
    burst = question_burst(BURST)

    await running_bot.send_many(burst, timeout=100)

    per_chat = replies_per_chat(running_bot.server)
    assert set(per_chat) == chats_of(burst), "some questions got no answer"
    assert set(per_chat.values()) == {1}, "some questions were answered more than once"
    assert running_bot.server.pending_update_count == 0  # every update confirmed
