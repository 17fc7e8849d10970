"""``python -m bot check``: a summary and exit 0 for a good base, located problems and exit 1."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.parser import main

MINIBASE = Path(__file__).parents[2] / "knowledge" / "minibase"
REPO = Path(__file__).parents[3]


def test_a_valid_base_is_summarised(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(MINIBASE)]) == 0
    out = capsys.readouterr().out
    assert "title:     Mini base for tests" in out
    assert "languages: en, de (default en)" in out
    assert "facts:     2" in out and "quotes:    1" in out and "entries:   3" in out
    assert "entities:  2 (1 person, 1 place)" in out
    assert "phrasings: 3 en, 3 de" in out
    assert "warning" not in out


def test_problems_are_listed_as_file_line_reason_with_a_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "kb"
    shutil.copytree(MINIBASE, base)
    facts = base / "facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("unit: residents", "unit: 384"), encoding="utf-8"
    )
    entries = base / "entries" / "main.yaml"
    entries.write_text(
        entries.read_text(encoding="utf-8").replace("facts: [companies]", "facts: [company]"),
        encoding="utf-8",
    )
    assert main(["check", str(base)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "entries/main.yaml:20: entry 'companies': facts: no fact with id 'company'",
        "facts.yaml:5: fact 'residents': unit: must be text, not a number (384) (put it in quotes)",
        f"{base}: 2 problems - the base cannot be served",
    ]


def test_warnings_are_shown_but_the_base_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "base.yaml").write_text(
        "base: {title: Contacts, languages: [en]}\n"
        "entries:\n"
        "  - id: contact\n"
        "    questions: {en: [Whom can I contact?]}\n"
        "    answer: {en: Write to invest@example.com.}\n",
        encoding="utf-8",
    )
    assert main(["check", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "base.yaml:5: warning: entry 'contact': the answer cites no source" in out
    assert "1 warning" in out


def test_the_base_defaults_to_knowledge_dir(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(MINIBASE))
    assert main(["check"]) == 0
    assert "Mini base for tests" in capsys.readouterr().out


def test_the_shipped_base_checks_clean_from_the_command_line() -> None:
    env_free = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=REPO,
        env=env_free,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "languages: en, de, ja (default en)" in done.stdout
    assert "warning" not in done.stdout
    # Weak phrasings and confused pairs each name the competing entry.
    assert re.search(r"^  \S+:\d+: \S+ \[\w+\] .+ -> \S+$", done.stdout, re.MULTILINE)
    assert re.search(r"^  \S+:\d+: \S+ <-> \S+: \d+ of their", done.stdout, re.MULTILINE)
