"""Admin commands, as conversations with the real Application over the fake Bot API server."""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram.constants import MessageLimit

from bot.config import Settings
from bot.stores.knowledge import ReloadOutcome
from bot.telegram.admin import reload_report
from bot.telegram.app import build_application
from bot.telegram.render import utf16_length
from bot.telegram.services import Services
from knowledge import Problem
from tests.bot.tiny_base import NEW_ANSWER, NEW_QUESTION, QUESTION, write_base
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest, Chat

ADMIN_ID = 4242
STRANGER_ID = 987_654_321


@dataclass
class World:
    """The running bot, its services and the base directory a curator edits."""

    bot: BotUnderTest
    services: Services
    base_dir: Path
    data_dir: Path

    def user(
        self,
        user_id: int = STRANGER_ID,
        *,
        language: str = "en",
        group: bool = False,
        username: str | None = None,
        first_name: str = "Kenji",
    ) -> Chat:
        sender = factory.user(
            user_id, language_code=language, username=username, first_name=first_name
        )
        chat = factory.group_chat() if group else factory.private_chat(sender)
        return Chat(self.bot, sender, chat)

    def admin(self, *, language: str = "en", group: bool = False) -> Chat:
        return self.user(ADMIN_ID, language=language, group=group, first_name="Curator")


@pytest.fixture
def server() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def world(
    request: pytest.FixtureRequest, tmp_path: Path, server: FakeTelegram
) -> AsyncIterator[World]:
    """The bot on the tiny base, version "a" unless parametrized indirectly with another."""
    base_dir = write_base(tmp_path / "kb", getattr(request, "param", "a"))
    settings = Settings(
        token=server.token,
        admin_ids=frozenset({ADMIN_ID}),
        knowledge_dir=base_dir,
        data_dir=tmp_path / "data",
        api_base_url=server.base_url,
        api_file_url=server.base_file_url,
        flood_limit_per_minute=0,
    )
    services = Services.create(settings)
    try:
        bot = BotUnderTest(build_application(settings, services), server)
        async with bot.running():
            yield World(bot, services, base_dir, settings.data_dir)
        assert bot.errors == []
    finally:
        services.close()


# -- who may ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "group", "refusal"),
    [
        ("en", False, "only for the bot's administrators"),
        ("de", True, "nur für die Administratoren"),
        ("ja", False, "管理者専用"),
    ],
)
@pytest.mark.parametrize("command", ["reload", "stats", "unanswered", "undo", "edits"])
async def test_a_non_admin_is_refused_politely_in_their_language(
    world: World,
    command: str,
    language: str,
    group: bool,
    refusal: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = world.services.store.current
    write_base(world.base_dir, "b")
    stranger = world.user(language=language, group=group)

    with caplog.at_level(logging.WARNING, logger="bot.telegram.admin"):
        replies = await stranger.command(command)

    assert len(replies) == 1 and refusal in replies[0].text
    assert world.services.store.current is before  # nothing reloaded
    assert not any(m.photo or m.document for m in replies)
    # Logged, without the user id (that only with LOG_MESSAGE_CONTENT=true).
    refusals = [r.getMessage() for r in caplog.records if f"refused /{command}" in r.getMessage()]
    assert refusals and all(str(STRANGER_ID) not in line for line in refusals)


async def test_a_non_admin_editing_a_message_into_a_command_is_refused(world: World) -> None:
    stranger = world.user(language="de")
    await stranger.user_says("Wie viele Japaner leben in Sampleton?")
    before = world.services.store.current
    write_base(world.base_dir, "b")

    replies = await stranger.edit_last("/reload")

    assert len(replies) == 1 and "nur für die Administratoren" in replies[0].text
    assert world.services.store.current is before


async def test_a_username_never_makes_an_admin(world: World) -> None:
    impostor = world.user(username="curator", first_name="Curator")
    replies = await impostor.command("stats")
    assert "only for the bot's administrators" in replies.text


async def test_an_admin_in_a_group_is_asked_to_write_privately(world: World) -> None:
    replies = await world.admin(group=True).command("unanswered")
    assert "private chat" in replies.text
    assert not any(m.document for m in replies)


# -- /reload ----------------------------------------------------------------------------


async def test_an_admin_reload_swaps_the_base_and_reports_the_change(world: World) -> None:
    write_base(world.base_dir, "b")

    replies = await world.admin().command("reload")

    assert [m.method for m in replies] == ["sendMessage", "sendMessage"]
    assert "Reloading" in replies[0].text
    summary = replies[1]
    assert summary.parse_mode == "HTML"
    assert "<b>Knowledge base reloaded in" in summary.text
    assert "Entries: 2 (1 added, 0 removed, 1 changed)" in summary.text
    assert "+ trade-fair" in summary.text
    answer = await world.user().user_says(NEW_QUESTION)
    assert NEW_ANSWER in answer.text


async def test_an_edited_reload_by_an_admin_runs(world: World) -> None:
    admin = world.admin(language="ja")
    await admin.user_says("/stats")
    write_base(world.base_dir, "b")
    replies = await admin.edit_last("/reload")
    assert "再読み込みしました" in replies.text


async def test_a_broken_reload_lists_the_problems_and_keeps_answering(world: World) -> None:
    user = world.user()
    answer_before = (await user.user_says(QUESTION)).text
    write_base(world.base_dir, "b", broken=True)

    replies = await world.admin(language="de").command("reload")

    report = replies[-1].text
    assert "Neu laden fehlgeschlagen: 2 Problem(e)" in report
    assert "entries.yaml:" in report and "no-such-fact" in report
    assert (await user.user_says(QUESTION)).text == answer_before
    assert NEW_ANSWER not in (await user.user_says(NEW_QUESTION)).text


async def test_a_gap_found_in_unanswered_is_fixed_by_a_reload_without_restart(world: World) -> None:
    investor = world.user()
    admin = world.admin()
    first = await investor.user_says(NEW_QUESTION)
    assert NEW_ANSWER not in first.text

    listing = await admin.command("unanswered")
    assert NEW_QUESTION in listing[0].text

    write_base(world.base_dir, "b")  # the curator adds the entry
    await admin.command("reload")

    assert NEW_ANSWER in (await investor.user_says(NEW_QUESTION)).text


async def test_questions_racing_a_reload_are_each_answered_from_one_base(
    world: World, server: FakeTelegram
) -> None:
    investor, admin = world.user(), world.admin()
    signatures = {  # what each version of the tiny base puts into this answer
        "A": ("1,234 Japanese live in Sampleton.", "Press release A"),
        "B": ("Sampleton is home to 1,234 Japanese.", "Press release B"),
    }

    latecomer = world.user(STRANGER_ID + 1)

    def question(asker: Chat = investor) -> dict:
        message = factory.message(QUESTION, sender=asker.user, chat=asker.chat)
        return {"update_id": factory.next_update_id(), "message": message}

    write_base(world.base_dir, "b")
    reload = factory.command("reload", sender=admin.user, chat=admin.chat)
    start = len(server.calls)
    # Questions before, alongside and after the reload, all handled concurrently ...
    server.queue_updates([*(question() for _ in range(15)), reload,
                          *(question() for _ in range(15))])  # fmt: skip
    await server.wait_for("sendMessage", where=lambda c: "reloaded" in c.params.get("text", ""))
    # ... and more once the reload has been reported, which must all see the new base.
    await world.bot.send_many([question(latecomer) for _ in range(10)])

    def versions(user_id: int) -> list[str]:
        found = []
        for call in server.calls[start:]:
            if call.method != "sendMessage" or call.params.get("chat_id") != user_id:
                continue
            answer = call.params["text"]
            complete = [v for v, parts in signatures.items() if all(p in answer for p in parts)]
            touched = [v for v, parts in signatures.items() if any(p in answer for p in parts)]
            assert complete == touched and len(complete) == 1, answer  # one base, never two
            found.append(complete[0])
        return found

    assert len(versions(STRANGER_ID)) == 30
    assert versions(STRANGER_ID + 1) == ["B"] * 10
    assert "trade-fair" in world.services.store.current.kb.entries


def test_a_long_problem_list_fits_one_message_and_is_escaped() -> None:
    problems = tuple(Problem(f"entries/<b>{n}.yaml", n, "bad & <i>worse</i>") for n in range(500))
    outcome = ReloadOutcome(ok=False, problems=problems, diff=None, seconds=0.1)

    (message,) = reload_report(outcome, "en")

    report = message.html
    assert utf16_length(report) <= MessageLimit.MAX_TEXT_LENGTH
    assert report.startswith("<b>Reload failed: 500 problem(s).")
    assert "&lt;b&gt;" in report and "<i>" not in report and "bad &amp; " in report
    assert report.rstrip().endswith("(run `python -m bot check` for the full list)")
    shown = report.count("entries/&lt;b&gt;")
    assert f"… and {500 - shown} more" in report


def test_a_reload_report_writes_its_figures_the_readers_way() -> None:
    problems = tuple(Problem("entries.yaml", n, "bad") for n in range(1500))
    loaded = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    outcome = ReloadOutcome(False, problems, None, 0.1, previous_loaded_at=loaded)

    (german,) = reload_report(outcome, "de")

    assert "1.500 Problem(e)" in german.html and "(geladen 02.01.2024, 03:04:05 UTC)" in german.html


# -- /stats and /unanswered ----------------------------------------------------------------


async def test_stats_sends_a_summary_and_a_chart(world: World) -> None:
    investor = world.user(language="de")
    await investor.user_says(QUESTION)
    await investor.user_says(QUESTION)
    await investor.user_says("Wie hoch ist die Gewerbesteuer?")

    replies = await world.admin().command("stats")

    text, photo = replies
    assert "Questions in the last 30 days: 3" in text.text
    assert "Answered: 2 of 3 (67%)" in text.text
    assert "2 × residents" in text.text
    assert photo.method == "sendPhoto" and photo.photo is not None
    assert photo.photo.data[:8] == b"\x89PNG\r\n\x1a\n"


async def test_stats_of_a_quiet_bot_sends_no_empty_chart(world: World) -> None:
    replies = await world.admin().command("stats")
    assert len(replies) == 1 and "No questions recorded" in replies.text


async def test_unanswered_lists_groups_and_sends_a_csv(world: World) -> None:
    investor = world.user()
    for question in [
        "Is there a school for children?",
        "is there a school for children",
        "What does <b>office</b> space cost?",
    ]:
        await investor.user_says(question)

    replies = await world.admin().command("unanswered")
    text, *work_items, document = replies

    assert "1. 2 × “Is there a school for children?”" in text.text  # two wordings, one group
    assert len(work_items) == 2 and all(item.buttons for item in work_items)
    assert "&lt;b&gt;office&lt;/b&gt;" in text.text  # other people's text is escaped
    assert document.method == "sendDocument" and document.document is not None
    assert (document.document.filename or "").endswith(".csv")
    rows = list(csv.reader(io.StringIO(document.document.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["count", "question"] and len(rows) == 3


async def test_unanswered_with_nothing_recorded_says_so(world: World) -> None:
    replies = await world.admin().command("unanswered")
    assert len(replies) == 1 and "No unanswered questions" in replies.text


async def test_the_question_log_holds_nobodys_identity(world: World) -> None:
    private = world.user(username="kenji_investor", first_name="Kenjirou")
    group = world.user(username="kenji_investor", first_name="Kenjirou", group=True)
    await private.user_says("Where can I find a kindergarten?")
    await group.mention("Which visa do I need?")

    db_path = next(world.data_dir.glob("questions*.sqlite3"))
    with sqlite3.connect(db_path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        cells = [str(v) for t in tables for row in db.execute(f'SELECT * FROM "{t}"') for v in row]

    assert any("kindergarten" in c for c in cells) and any("visa" in c for c in cells)
    identities = [str(STRANGER_ID), str(factory.DEFAULT_GROUP_ID), "kenji_investor", "Kenjirou"]
    assert [c for c in cells if any(i in c for i in identities)] == []
