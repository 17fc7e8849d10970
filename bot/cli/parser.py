"""The command line: one parser, one place where every subcommand and flag is declared.

Subcommands live in their own modules and are imported lazily, so ``ask`` does not pay
for importing python-telegram-bot. Each module exposes ``main(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand -> module implementing main(args)
_COMMANDS = {
    "run": "bot.telegram.app",
    "console": "bot.cli.console",
    "check": "bot.cli.check",
    "ask": "bot.cli.ask",
    "eval": "bot.cli.eval",
    "calibrate": "bot.cli.calibrate",
    "curate": "bot.cli.curate",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Investor Q&A bot on Düsseldorf and NRW for Japanese digital companies.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run the Telegram bot (polling, or webhook if configured)")
    run.add_argument("--watch", action="store_true", help="reload the base when its files change")
    run.add_argument("--env-file", default=".env", help="settings file (default: .env)")

    console = sub.add_parser("console", help="chat with the bot offline in this terminal")
    console.add_argument("--kb", metavar="DIR", help="knowledge base directory")
    console.add_argument("--lang", metavar="LANG", help="your language (en, de, ja)")
    console.add_argument("--env-file", default=".env", help="settings file (default: .env)")

    check = sub.add_parser("check", help="validate a knowledge base and summarise it")
    check.add_argument("directory", nargs="?", metavar="DIR", help="base directory")

    calibrate = sub.add_parser(
        "calibrate", help="show how the base's own phrasings calibrate the decision"
    )
    calibrate.add_argument("directory", nargs="?", metavar="DIR", help="base directory")

    ask = sub.add_parser("ask", help="answer questions (arguments, or one per line on stdin)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--kb", metavar="DIR", help="knowledge base directory")
    ask.add_argument("--lang", metavar="LANG", help="language hint for ambiguous questions")
    ask.add_argument(
        "--explain",
        action="store_true",
        help="also print why: the analysis, candidates, constraints and decision",
    )
    ask.add_argument("question", nargs="*", help="the question (omit to read stdin)")

    curate = sub.add_parser(
        "curate", help="the curator's loop: unanswered questions into phrasings, and undo"
    )
    curate.add_argument("--kb", metavar="DIR", help="knowledge base directory")
    curate.add_argument("--data-dir", metavar="DIR", help="where the question and edit logs are")
    curate.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    curate.add_argument(
        "--admin",
        type=int,
        default=None,
        metavar="ID",
        help="act as this admin's numeric Telegram id (default 0: the command line)",
    )
    actions = curate.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="the work list: unanswered groups and candidate entries")
    add = actions.add_parser("add", help="add a phrasing to an entry, checked and logged")
    add.add_argument("entry", metavar="ENTRY", help="the entry id")
    add.add_argument("phrasing", metavar="PHRASING", help="the question to add")
    add.add_argument("--lang", metavar="LANG", help="its language (default: detected)")
    actions.add_parser("undo", help="revert the latest edit of this admin")
    actions.add_parser("edits", help="the edit log, newest first")

    evaluate = sub.add_parser("eval", help="measure matching on a set of cases")
    evaluate.add_argument("--kb", metavar="DIR", help="knowledge base directory")
    evaluate.add_argument("--quiet", action="store_true", help="only the summary, no failures")
    evaluate.add_argument(
        "--min-accuracy",
        type=float,
        metavar="PCT",
        help="exit 1 if any language's in-scope accuracy is below PCT (CI gate)",
    )
    evaluate.add_argument(
        "--min-declined",
        type=float,
        metavar="PCT",
        help="exit 1 if less than PCT of the out-of-scope questions are declined (CI gate)",
    )
    evaluate.add_argument("cases", metavar="CASES.yaml", help="the cases to evaluate")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    module = importlib.import_module(_COMMANDS[args.command])
    return int(module.main(args))
