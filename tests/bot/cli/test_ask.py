"""``python -m bot ask``: the stable command-line contract other tools rely on."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.ask import main
from bot.cli.parser import build_parser
from intents.render import format_value
from knowledge.loader import load_knowledge
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR
from tests.intents.small_base import write_small_base

JSON_KEYS = {"question", "language", "answered", "entry", "score", "answer", "sources"}
REPO = Path(__file__).resolve().parents[3]


def ask(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    args = build_parser().parse_args(["ask", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdin=io.StringIO(stdin), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def small_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_base(tmp_path_factory.mktemp("ask-base"))


def test_json_object_has_exactly_the_contract_keys(small_base: Path) -> None:
    code, out, _ = ask(["--json", "--kb", str(small_base), "how many ferries per day?"])
    assert code == 0
    reply = json.loads(out)
    assert set(reply) == JSON_KEYS
    assert reply["answered"] is True and reply["entry"] == "ferries"
    assert reply["language"] == "en" and 0 <= reply["score"] <= 100
    assert "42" in reply["answer"]
    assert reply["sources"] == [
        {
            "source": "Leaflet, Harbour Town, May 2020",
            "excerpt": "In Harbour Town there are 42 ferries a day.",
        }
    ]


def test_declined_question_has_no_entry_and_no_sources(small_base: Path) -> None:
    _, out, _ = ask(["--json", "--kb", str(small_base), "Where is the nearest ski resort?"])
    reply = json.loads(out)
    assert reply["answered"] is False and reply["entry"] is None and reply["sources"] == []


def test_stdin_gives_one_line_per_question(small_base: Path) -> None:
    questions = ["how many ferries per day?", "", "Where can I park my car?", "???"]
    code, out, _ = ask(["--json", "--kb", str(small_base)], stdin="\n".join(questions) + "\n")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(questions)
    assert [json.loads(line)["question"] for line in lines] == questions
    assert [json.loads(line)["entry"] for line in lines] == ["ferries", None, "parking", None]


def test_plain_output_names_the_source(small_base: Path) -> None:
    _, out, _ = ask(["--kb", str(small_base), "how", "many", "ferries", "per", "day?"])
    assert "42" in out
    assert (
        'Source: Leaflet, Harbour Town, May 2020: "In Harbour Town there are 42 ferries a day."'
        in out
    )


def test_plain_stdin_output_is_one_line_per_question(small_base: Path) -> None:
    _, out, _ = ask(["--kb", str(small_base)], stdin="how many ferries per day?\nparking?\n")
    lines = out.splitlines()
    assert len(lines) == 2
    assert "42" in lines[0] and "Source: Leaflet, Harbour Town, May 2020" in lines[0]


def test_lang_hint_decides_an_ambiguous_question() -> None:
    _, out, _ = ask(["--json", "--lang", "de", "NRW?"])
    assert json.loads(out)["language"] == "de"
    _, out, _ = ask(["--json", "--lang", "de", "How many Japanese firms are in Düsseldorf?"])
    assert json.loads(out)["language"] == "en"


def test_shipped_base_answers_the_issue_question() -> None:
    kb = load_knowledge(SHIPPED_KNOWLEDGE_DIR)
    figure = format_value(kb.facts["companies-duesseldorf"], "en")
    _, out, _ = ask(["--json", "How many Japanese firms are in Düsseldorf?"])
    reply = json.loads(out)
    assert reply["answered"] and reply["entry"] == "companies-duesseldorf"
    assert figure in reply["answer"]
    assert any(figure in s["excerpt"] for s in reply["sources"])


def test_broken_base_reports_problems_and_exits_1(tmp_path: Path, small_base: Path) -> None:
    broken = write_small_base(tmp_path / "broken")
    (broken / "entries.yaml").write_text(
        "entries:\n  - id: x\n    questons: {}\n", encoding="utf-8"
    )
    code, out, err = ask(["--json", "--kb", str(broken), "anything"])
    assert code == 1 and out == ""
    assert "entries.yaml" in err


def test_missing_base_directory_exits_1(tmp_path: Path) -> None:
    code, _, err = ask(["--kb", str(tmp_path / "nowhere"), "anything"])
    assert code == 1 and err


def test_runs_as_a_module_and_flushes_each_line(small_base: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json", "--kb", str(small_base)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("how many ferries per day?\n")
    process.stdin.flush()
    first = json.loads(process.stdout.readline())  # answered before stdin is closed
    process.stdin.close()
    assert first["entry"] == "ferries"
    assert process.wait(timeout=60) == 0


def test_explain_prints_the_analysis_candidates_rule_outs_and_decision() -> None:
    code, out, _ = ask(["--explain", "How many Japanese companies are in Munich?"])
    assert code == 0
    lines = out.splitlines()
    assert any(
        line.startswith("  language: en; asks: count; counts: organisations") for line in lines
    )
    assert any("munich" in line and line.startswith("  mentions:") for line in lines)
    ruled = [line for line in lines if line.startswith("  ruled out ")]
    assert any("companies-duesseldorf" in line and "munich" in line for line in ruled)
    assert lines[-1].startswith("  decision: decline") and lines[-1].endswith("not_on_file")


@pytest.mark.parametrize(
    ("question", "reading"),
    [
        ("how is the talent pool in düsseldorf", "  read wide: nothing answers dusseldorf itself"),
        (
            "nicht die Japaner in NRW, sondern die japanischen Firmen dort",
            "  read without what it sets aside: ",
        ),
    ],
)
def test_explain_says_how_the_question_was_read(question: str, reading: str) -> None:
    _, out, _ = ask(["--explain", question])
    assert any(line.startswith(reading) for line in out.splitlines()), out
