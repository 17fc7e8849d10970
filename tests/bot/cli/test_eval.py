"""``python -m bot eval``: the table, the baseline, the failures and the exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.parser import main

BASE = """base:
  title: Bakery FAQ for tests
  languages: [en]
"""

ENTRIES = """entries:
  - id: opening-hours
    questions:
      en: [When do you open?, What are your opening hours?]
    answer:
      en: We open at seven in the morning.
  - id: prices
    questions:
      en: [How much is a loaf of bread?, What does bread cost?]
    answer:
      en: A loaf costs three euros.
"""

# The third case asks an exact phrasing of opening-hours but expects prices: it fails
# for every sensible matcher and for the baseline, so the failure list is predictable.
CASES = """\
- {question: "When do you open?", expect: opening-hours, lang: en}
- {question: "How much is a loaf of bread?", expect: prices, lang: en}
- {question: "When do you open?", expect: prices, lang: en}
- {question: "Do you repair bicycles?", expect: null, lang: en}
"""


@pytest.fixture
def bakery(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    (kb / "entries").mkdir(parents=True)
    (kb / "base.yaml").write_text(BASE, encoding="utf-8")
    (kb / "entries" / "faq.yaml").write_text(ENTRIES, encoding="utf-8")
    return kb


def write_cases(tmp_path: Path, text: str = CASES) -> str:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_eval_prints_per_language_figures_for_the_matcher_and_the_baseline(
    bakery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["eval", "--kb", str(bakery), write_cases(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert "4 (3 in scope, 1 out of scope)" in out
    assert "2 entries, languages en" in out
    rows = [line.split() for line in out.splitlines() if line.startswith(("en ", "all "))]
    # lang, matcher in-scope, %, baseline in-scope, %, matcher declined, %, baseline declined, %
    assert [row[0] for row in rows] == ["en", "all"]
    for row in rows:
        assert row[3:5] == ["2/3", "66.7%"]  # the baseline at its best cutoff
        assert row[7:9] == ["1/1", "100.0%"]
        # wrong answers: the third case (opening-hours where prices was expected), and for
        # the matcher the bicycles too (a draft base without sources has no unknown-words
        # check: every word of it is a curator's first guess)
        assert row[9:11] == ["2", "1"]
    assert "extractOne" in out and "best single cutoff" in out


def test_eval_lists_each_failure_with_what_was_expected_and_what_came_back(
    bakery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["eval", "--kb", str(bakery), write_cases(tmp_path)])
    out = capsys.readouterr().out
    failures = out[out.index("Failures of the matcher") :]
    assert "line 3: When do you open?" in failures
    assert "expected prices; got " in failures


def test_quiet_eval_prints_the_figures_without_the_failures(
    bakery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["eval", "--quiet", "--kb", str(bakery), write_cases(tmp_path)])
    out = capsys.readouterr().out
    assert "baseline" in out
    assert "Failures of the matcher" not in out


def test_eval_exits_1_when_a_bar_is_missed_and_says_which(
    bakery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write_cases(tmp_path)
    status = main(["eval", "--kb", str(bakery), "--min-accuracy", "95", cases])
    out = capsys.readouterr().out
    assert status == 1
    assert "BELOW THE BAR: en: in-scope accuracy" in out
    lenient = ["--min-accuracy", "0", "--min-declined", "0"]
    assert main(["eval", "--kb", str(bakery), *lenient, cases]) == 0


def test_eval_exits_2_on_a_case_naming_an_entry_the_base_lacks(
    bakery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write_cases(tmp_path, '- {question: "Any cake?", expect: cakes, lang: en}\n')
    assert main(["eval", "--kb", str(bakery), cases]) == 2
    assert "cases.yaml:1: no entry 'cakes' in the base" in capsys.readouterr().err


def test_eval_exits_2_on_a_broken_case_file(
    bakery: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = write_cases(tmp_path, '- {question: "Any cake?", lang: en}\n')
    assert main(["eval", "--kb", str(bakery), cases]) == 2
    assert "cases.yaml:1: missing key 'expect'" in capsys.readouterr().err


def test_eval_exits_2_on_a_base_that_does_not_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "base.yaml").write_text("base: [not, a, mapping]\n", encoding="utf-8")
    assert main(["eval", "--kb", str(broken), write_cases(tmp_path)]) == 2
    assert "cannot be loaded" in capsys.readouterr().err
