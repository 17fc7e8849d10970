"""``python -m bot curate``: the curator's loop on the command line, on the same core as the bot."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.parser import main
from bot.stores.question_log import QuestionLog
from intents.reply import Reply
from tests.bot.tiny_base import write_base

GAP = "What day does the exhibition start?"


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """--kb and --data-dir of a tiny base whose question log holds one unanswered question."""
    monkeypatch.chdir(tmp_path)  # no .env of the project's
    for name in ("KNOWLEDGE_DIR", "DATA_DIR", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    base = write_base(tmp_path / "kb", "b")
    with QuestionLog.in_directory(tmp_path / "data") as log:
        log.record(Reply(GAP, "en", False, "not_on_file", "…"))
    return ["--kb", str(base), "--data-dir", str(tmp_path / "data")]


def curate(dirs: list[str], *args: str) -> int:
    return main(["curate", *dirs, *args])


def test_list_shows_the_group_and_its_candidates(
    dirs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert curate(dirs, "list") == 0
    out = capsys.readouterr().out
    assert f"1. 1 x {GAP!r} [en]" in out
    assert "candidates: trade-fair " in out and "%" in out


def test_add_then_undo_round_trips_and_is_logged(
    dirs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = tmp_path / "kb" / "entries.yaml"
    original = entries.read_bytes()

    assert curate(dirs, "add", "trade-fair", GAP) == 0
    out = capsys.readouterr().out
    assert f"{GAP!r} added to trade-fair [en] in entries.yaml" in out
    assert "asked now, it reaches: trade-fair" in out
    assert GAP in entries.read_text(encoding="utf-8")

    assert curate(dirs, "edits") == 0
    assert "admin 0 add trade-fair [en]" in capsys.readouterr().out

    assert curate(dirs, "undo") == 0
    assert "removed from trade-fair" in capsys.readouterr().out
    assert entries.read_bytes() == original
    assert curate(dirs, "undo") == 1
    assert "no edit of admin 0 is left to undo" in capsys.readouterr().out


def test_an_edit_as_an_admin_is_undone_as_that_admin(
    dirs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert curate(dirs, "--admin", "4242", "add", "trade-fair", "Wann öffnet die Messe?") == 0
    assert "[de]" in capsys.readouterr().out  # detected
    assert curate(dirs, "undo") == 1  # the command line's own: none
    assert curate(dirs, "--admin", "4242", "undo") == 0


def test_a_refused_add_says_why_and_exits_1(
    dirs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (tmp_path / "kb" / "entries.yaml").read_bytes()
    assert curate(dirs, "add", "no-such-entry", GAP) == 1
    assert "Nothing was written: there is no entry 'no-such-entry'" in capsys.readouterr().out
    assert curate(dirs, "add", "trade-fair", "When is the trade fair?", "--lang", "en") == 1
    assert "already a phrasing of trade-fair" in capsys.readouterr().out
    assert (tmp_path / "kb" / "entries.yaml").read_bytes() == before
