"""The offline console: the bot's real handlers in a terminal, without Telegram or a token."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.console import chat, html_to_text
from bot.config import Settings
from bot.telegram.services import Services
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=SHIPPED_KNOWLEDGE_DIR)
    created = Services.create(settings)
    yield created
    created.close()


async def converse(services: Services, *lines: str, language: str | None = None) -> str:
    """Type ``lines`` into the console; return the screen."""
    pending = list(lines)
    screen = io.StringIO()

    def read_line() -> str | None:
        return pending.pop(0) if pending else None

    await chat(services.settings, services, read_line, screen, language=language, echo=True)
    return screen.getvalue()


async def test_a_question_is_answered_with_numbered_buttons(services: Services) -> None:
    screen = await converse(services, "How many Japanese companies are in Düsseldorf?")
    assert "bot> 384" in screen
    assert "Source: Press release, Tokyo, 13 Sep 2017" in screen
    assert "[1] 📄 Show source excerpt" in screen
    assert "[2] " in screen


async def test_typing_a_buttons_number_presses_it(services: Services) -> None:
    screen = await converse(services, "How many Japanese companies are in Düsseldorf?", "1")
    assert "Alleine in Düsseldorf haben 384 japanische Unternehmen ihren Sitz." in screen


async def test_commands_go_through_the_same_handlers(services: Services) -> None:
    screen = await converse(services, "/help", "/facts", "/language", "2", "/help")
    assert "/topics – what I can answer" in screen
    assert "Key figures from the source:" in screen
    assert "[2] Deutsch" in screen
    assert "bot (edited)> Ab jetzt antworte ich auf Deutsch." in screen
    assert "/topics – worauf ich antworten kann" in screen


async def test_html_is_shown_as_plain_text(services: Services) -> None:
    screen = await converse(services, "Is <b>Toyota</b> & co in NRW?")
    assert "<" not in screen.split("you>")[-1].replace("<b>Toyota</b>", "")
    assert "&amp;" not in screen


async def test_the_language_flag_sets_the_users_language(services: Services) -> None:
    screen = await converse(services, "/help", language="ja")
    assert "/topics – お答えできるテーマ" in screen


async def test_a_number_without_buttons_is_a_question(services: Services) -> None:
    screen = await converse(services, "/help", "7")
    assert "you> 7" in screen
    assert screen.count("bot>") == 2


def test_html_to_text_decodes_entities_and_indents_quotes() -> None:
    text = html_to_text("<b>A &amp; B</b>\n\n<blockquote>quoted\nlines</blockquote>")
    assert text == "A & B\n\n  │ quoted\n  │ lines"


def test_the_console_runs_as_a_command_without_a_token(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--lang", "de"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp_path / "d")},
        input="Wie viele Japaner leben in NRW?\n1\n/quit\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Quelle: Pressemitteilung" in result.stdout
    assert "In Nordrhein-Westfalen leben über 13.752 Japaner" in result.stdout  # the excerpt
    assert "Traceback" not in result.stderr


def test_a_broken_base_is_reported_by_the_console(tmp_path: Path) -> None:
    broken = tmp_path / "kb"
    broken.mkdir()
    (broken / "base.yaml").write_text("base: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--kb", str(broken)],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp_path / "d")},
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "base.yaml" in result.stderr
    assert "Traceback" not in result.stderr
