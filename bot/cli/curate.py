"""``python -m bot curate list|add ENTRY "phrasing" [--lang L]|undo|edits``: the curator's loop
for scripts and for whoever is on the server, through the same ``Curator`` as the bot's buttons.

An edit made here is validated, written and logged exactly as one made in Telegram, and
checked by loading the edited base in this process (whether the phrasing reaches its
entry, whose phrasings got weaker). A bot running on the same base picks it up with
``/reload``, SIGHUP or ``--watch``. Exit status 0 when it was done, 1 when it was refused
(the reason is printed), 2 on bad settings.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import TextIO

from bot.cli.base_problems import print_problems
from bot.config import ConfigError, Settings, load_settings
from bot.curation.curator import ADD, CLI_ADMIN_ID, Curator, EditOutcome
from bot.insights.questions import QuestionInsights
from bot.stores.knowledge import KnowledgeStore
from bot.stores.models import ModelFiles
from bot.stores.question_log import QuestionLog
from knowledge import KnowledgeError

# Groups printed by ``list``: the whole work list a curator would page through.
LISTED = 50

# Why nothing was written, for the operator (the bot says the same in the admin's language).
REFUSALS = {
    "unknown_entry": "there is no entry {entry!r} in the base",
    "unknown_language": "the base has no language {language!r}",
    "empty_phrasing": "the phrasing is empty",
    "too_long": "the phrasing is too long",
    "already_there": "{phrasing!r} is already a phrasing of {other}",
    "read_only": "the knowledge base directory is read-only",
    "check_failed": "with this edit the base would not pass `bot check`",
    "nothing_to_undo": "no edit of admin {admin} is left to undo",
    "not_editable": "the file of {entry!r} cannot be rewritten safely; edit it by hand",
    "reload_failed": "the edited base did not load; the file was restored",
}


def _settings(args: argparse.Namespace) -> Settings:
    env_file = getattr(args, "env_file", ".env") or ".env"
    settings = load_settings(env_file, env_file_required=env_file != ".env")
    if getattr(args, "kb", None):
        settings = dataclasses.replace(settings, knowledge_dir=Path(args.kb))
    if getattr(args, "data_dir", None):
        settings = dataclasses.replace(settings, data_dir=Path(args.data_dir))
    return settings


def main(args: argparse.Namespace) -> int:
    try:
        settings = _settings(args)
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    admin = CLI_ADMIN_ID if args.admin is None else args.admin
    out = sys.stdout
    store = None
    if args.action in ("add", "undo"):
        try:  # the edit is reloaded and assessed through a store, as in the bot
            store = KnowledgeStore(
                settings.knowledge_dir, models=ModelFiles.in_data_dir(settings.data_dir)
            )
        except KnowledgeError as error:
            print_problems(settings.knowledge_dir, error, sys.stderr)
            return 1
    curator = Curator.for_data_dir(
        settings.knowledge_dir,
        settings.data_dir,
        store=store,
        retention_days=settings.analytics_retention_days,
    )
    try:
        if args.action == "list":
            return _list(curator, settings, out)
        if args.action == "edits":
            return _edits(curator, out)
        if args.action == "add":
            outcome = curator.add(args.entry, args.phrasing, admin, language=args.lang)
        else:
            outcome = curator.undo(admin)
        return _report(outcome, admin, out)
    finally:
        curator.close()


def _list(curator: Curator, settings: Settings, out: TextIO) -> int:
    with QuestionLog.in_directory(settings.data_dir, settings.analytics_retention_days) as log:
        groups = QuestionInsights(log).unanswered(limit=None)
    work = curator.work_list(groups, LISTED)
    if not work:
        print("No unanswered questions to review.", file=out)
        return 0
    for number, group in enumerate(work, start=1):
        print(
            f"{number}. {group.count} x {group.example!r} [{group.language}]"
            f" (asked in {', '.join(group.languages)})",
            file=out,
        )
        for variant in group.variants[:3]:
            print(f"     similar: {variant!r}", file=out)
        candidates = ", ".join(f"{c.entry} {c.confidence:.0%}" for c in group.candidates)
        print(f"     candidates: {candidates or 'none'}", file=out)
    if curator.read_only():
        print("The knowledge base directory is read-only: nothing can be added.", file=out)
    return 0


def _edits(curator: Curator, out: TextIO) -> int:
    edits = curator.edits(limit=None)
    if not edits:
        print("No edits recorded yet.", file=out)
    for edit in edits:
        undone = f" (undone by #{edit.undone_by})" if edit.undone_by else ""
        print(
            f"#{edit.id} {edit.at.isoformat()} admin {edit.admin_id} {edit.action}"
            f" {edit.entry} [{edit.language}] {edit.phrasing!r} {edit.file}"
            f" {edit.before_sha256[:12]} -> {edit.after_sha256[:12]}{undone}",
            file=out,
        )
    return 0


def _report(outcome: EditOutcome, admin: int, out: TextIO) -> int:
    if not outcome.ok:
        reason = REFUSALS[outcome.refusal or ""].format(
            entry=outcome.entry,
            language=outcome.language,
            phrasing=outcome.phrasing,
            other=outcome.other,
            admin=admin,
        )
        print(f"Nothing was written: {reason}.", file=out)
        for problem in outcome.problems:
            print(f"  {problem}", file=out)
        return 1
    edit = outcome.edit
    assert edit is not None
    verb = "added to" if outcome.action == ADD else "removed from"
    print(
        f"{edit.phrasing!r} {verb} {edit.entry} [{edit.language}] in {edit.file}"
        f" (edit #{edit.id}; sha256 {edit.before_sha256[:12]} -> {edit.after_sha256[:12]})",
        file=out,
    )
    if outcome.assessed:
        print(f"asked now, it reaches: {outcome.reached or 'no entry (declined)'}", file=out)
        if outcome.weakened:
            print("phrasings of other entries that no longer reach their entry:", file=out)
        for weak in outcome.weakened:
            reached = weak.reached or "no entry"
            print(f"  {weak.entry} [{weak.language}] {weak.phrasing!r} -> {reached}", file=out)
        if not outcome.weakened:
            print("no other entry's phrasings got weaker", file=out)
    print("A running bot loads the change with /reload, SIGHUP or --watch.", file=out)
    return 0
