"""The update journal's queue writes each update as Telegram sent it (bot/http/recording.py
hands it over), or, for an update that came another way, as python-telegram-bot reads it.
Real SQLite in a temporary directory. The crash and restart behaviour is proven with a real
process in tests/proof/test_journal.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from telegram import Update

from bot.stores.journal import FILE_NAME, JournalingQueue, UpdateJournal
from tests.fake_telegram import updates as factory


def journaled(data_dir: Path) -> dict[int, Any]:
    with sqlite3.connect(data_dir / FILE_NAME) as db:
        rows = db.execute("SELECT update_id, body FROM update_journal").fetchall()
    return {update_id: json.loads(body) for update_id, body in rows}


def as_sent(text: str) -> dict[str, Any]:
    """An update as Telegram may send it: with an explicit null, which python-telegram-bot's
    ``to_dict`` leaves out, so the journal shows which of the two it wrote."""
    update = factory.private_message(text)
    update["message"]["edit_date"] = None
    return update


async def test_a_fetched_update_is_journaled_as_telegram_sent_it(tmp_path: Path) -> None:
    journal = UpdateJournal(tmp_path)
    queue = JournalingQueue(journal, capacity=4)
    sent = [as_sent("How many?"), as_sent("Wie viele?")]
    queue.received(sent)
    for each in sent:
        await queue.put(Update.de_json(each, None))
    journal.close()

    assert journaled(tmp_path) == {each["update_id"]: each for each in sent}


async def test_an_update_not_fetched_is_journaled_as_the_library_reads_it(tmp_path: Path) -> None:
    journal = UpdateJournal(tmp_path)
    queue = JournalingQueue(journal, capacity=4)
    earlier = as_sent("from an earlier answer")
    queue.received([earlier])
    queue.received([as_sent("the latest answer")])  # the earlier one is let go
    update = Update.de_json(earlier, None)
    await queue.put(update)
    journal.close()

    assert journaled(tmp_path) == {update.update_id: update.to_dict()}
    assert update.to_dict() != earlier
