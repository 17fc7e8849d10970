"""The curator's loop in Telegram, as conversations with the real Application over the fake server:
an unanswered question, /unanswered with its buttons, the edit, /undo, /edits."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.telegram.test_admin import STRANGER_ID, World, server, world
from tests.fake_telegram.harness import Replies

__all__ = ["server", "world"]  # the fixtures, shared with the admin tests

# Version "b" of the tiny base: declines this, and its best candidate is trade-fair.
GAP = "What day does the exhibition start?"
ANSWER = "5 October"

pytestmark = pytest.mark.parametrize("world", ["b"], indirect=True)


def work_items(replies: Replies) -> list:
    """The messages of /unanswered that carry buttons (one per group)."""
    return [m for m in replies if m.buttons]


async def test_an_unanswered_question_becomes_a_phrasing_and_is_then_answered(
    world: World,
) -> None:
    investor, admin = world.user(), world.admin()
    assert ANSWER not in (await investor.user_says(GAP)).text
    entries = world.base_dir / "entries.yaml"
    original = entries.read_bytes()

    listing = await admin.command("unanswered")
    (item,) = work_items(listing)
    assert GAP in item.text and "trade-fair: " in item.text  # candidate with its confidence
    added = await admin.press(listing.button("Add as a phrasing of trade-fair"))

    report = added.text
    assert f"Added to trade-fair (en) in entries.yaml: “{GAP}”" in report
    assert "Asked now, this question gets the answer of trade-fair." in report
    assert "weaker" in report  # what happened to the other entries' phrasings
    assert any(m.is_edit and not m.buttons for m in added)  # the work item's buttons are gone
    assert ANSWER in (await investor.user_says(GAP)).text
    assert GAP in entries.read_text(encoding="utf-8")
    assert (await admin.command("unanswered")).text.startswith("No unanswered questions")

    log = await admin.command("edits")
    assert "added trade-fair [en]" in log.text and "4242" in log.text

    undone = await admin.command("undo")
    assert "Undone" in undone.text and "declined again" in undone.text
    assert entries.read_bytes() == original
    assert ANSWER not in (await investor.user_says(GAP)).text
    assert GAP in (await admin.command("unanswered")).text  # back on the work list
    assert "nothing" not in (await admin.command("edits")).text.lower()
    assert "You have no edit left to undo." in (await admin.command("undo")).text


async def test_a_non_admins_forged_button_is_refused_and_changes_nothing(world: World) -> None:
    await world.user().user_says(GAP)
    listing = await world.admin().command("unanswered")
    data = listing.button("Add as a phrasing of trade-fair").callback_data
    assert data is not None and "trade-fair" not in data  # the entry never travels
    entries = world.base_dir / "entries.yaml"
    before = entries.read_bytes()

    stranger = world.user(STRANGER_ID)
    replies = await stranger.press_data(data)

    assert replies.callback_answers[0]["show_alert"] is True
    assert "only for the bot's administrators" in replies.callback_answers[0]["text"]
    assert entries.read_bytes() == before
    assert world.services.curator.edits() == []


@pytest.mark.parametrize(
    "data", ["cur:0123456789abcdef01.a0", "cur:xyz", "cur#AAAAAAAAAAAA", "cur:.a0"]
)
async def test_an_admins_made_up_button_is_no_longer_valid(world: World, data: str) -> None:
    replies = await world.admin().press_data(data)
    assert "no longer valid" in replies.callback_answers[0]["text"]
    assert world.services.curator.edits() == []


async def test_not_on_file_keeps_declining_and_leaves_the_work_list(world: World) -> None:
    investor, admin = world.user(), world.admin(language="de")
    await investor.user_says(GAP)
    listing = await admin.command("unanswered")

    replies = await admin.press(listing.button("Nicht in der Basis, weiter ablehnen"))

    assert "Als nicht in der Basis markiert" in replies.text
    assert ANSWER not in (await investor.user_says(GAP)).text  # still declined ...
    again = await admin.command("unanswered")  # ... and not offered again
    assert GAP not in again.text and len(again) == 1


async def test_later_keeps_the_question_for_the_next_work_list(world: World) -> None:
    await world.user().user_says(GAP)
    admin = world.admin(language="ja")
    listing = await admin.command("unanswered")

    replies = await admin.press(listing.button("後で"))

    assert "後で対応します" in replies.callback_answers[0]["text"]
    assert GAP in (await admin.command("unanswered")).text


@pytest.fixture
def read_only_base(world: World) -> Iterator[Path]:
    """The base directory and its files with every write bit taken away."""
    paths = [world.base_dir, *world.base_dir.iterdir()]
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in paths}
    for path, mode in modes.items():
        path.chmod(mode & ~0o222)
    yield world.base_dir
    for path, mode in modes.items():
        path.chmod(mode)


async def test_a_read_only_base_makes_the_buttons_say_so(
    world: World, read_only_base: Path
) -> None:
    await world.user().user_says(GAP)
    admin = world.admin()
    before = (read_only_base / "entries.yaml").read_bytes()

    listing = await admin.command("unanswered")
    assert "read-only" in work_items(listing)[0].text
    replies = await admin.press(listing.button("Read-only: cannot add to trade-fair"))

    assert "read-only. Nothing was written." in replies.text
    assert (read_only_base / "entries.yaml").read_bytes() == before
    assert world.services.curator.edits() == []


async def test_stats_names_the_competing_entries_of_the_cross_validation(world: World) -> None:
    replies = await world.admin().command("stats")
    assert "Cross-validation:" in replies[0].text and "held-out phrasings" in replies[0].text
