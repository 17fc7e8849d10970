"""``python -m bot ask [--json] [--kb DIR] [--lang LANG] [QUESTION...]``: answer questions.

A stable contract that tools outside the project rely on:

- the question is the arguments joined by spaces; without arguments, every line of
  standard input is one question and gets exactly one line of output, flushed at once
  (blank lines included, so outputs stay aligned with inputs);
- plain output for a question given as arguments is the answer text, then one line
  ``Source: <citation>: "<excerpt>"`` per cited passage; for questions read from standard
  input it is one line: the text with line breaks folded into " / ", then
  `` — Source: <citation>`` (distinct citations joined by "; ");
- ``--json`` writes one object per question with exactly the keys
  ``question, language, answered, entry, score, answer, sources``: ``entry`` is the
  answering entry id (null unless an entry answered), ``score`` the confidence 0..100,
  ``answer`` the plain reply text, and ``sources`` a list of ``{"source", "excerpt"}``
  where ``source`` is the citation line of the document in the reply language (e.g.
  "Press release, Tokyo, 13 Sep 2017") and ``excerpt`` the verbatim passage;
- ``--explain`` adds, after each reply (plain) or as the key ``explanation`` (``--json``),
  why: the analysis of the question (language, terms, typed mentions, what it asks), the
  candidates with their scores and calibrated confidence, every entry ruled out and why,
  and the decision with its thresholds;
- questions are answered independently (no follow-up context between lines);
- a base that cannot be loaded: its problems go to standard error, exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.cli.base_problems import load_or_report
from intents.reply import Reply
from intents.responder import Responder
from knowledge.paths import default_knowledge_dir


def reply_as_json(reply: Reply, explain: bool = False) -> str:
    """One line of ``--json`` output."""
    fields = {
        "question": reply.question,
        "language": reply.language,
        "answered": reply.answered,
        "entry": reply.entry if reply.answered else None,
        "score": round(reply.score, 1),
        "answer": reply.text,
        "sources": [{"source": s.citation, "excerpt": s.excerpt} for s in reply.sources],
    }
    if explain:
        fields["explanation"] = dict(reply.explanation or {})
    return json.dumps(fields, ensure_ascii=False)


def explanation_lines(reply: Reply) -> list[str]:
    """``--explain`` in plain text: one fact per line, indented under the reply."""
    why = dict(reply.explanation or {})
    if not why:
        return [f"  decision: {reply.kind} (nothing to match)"]
    analysis = why.get("analysis", {})
    asks = ", ".join(analysis.get("asks", [])) or "-"
    mentions = [
        f"{m['surface']} = {m['ref']} ({m['kind']}{'' if m['in_base'] else ', not in the base'})"
        for m in analysis.get("mentions", [])
    ]
    lines = [
        f"  language: {analysis.get('language')}; asks: {asks};"
        f" counts: {analysis.get('counts') or '-'}",
        "  mentions: " + (", ".join(mentions) or "-"),
    ]
    if why.get("follow_up"):
        lines.append(f"  read as a follow-up: {why['follow_up']}")
    if why.get("contrast"):
        lines.append(f"  read without what it sets aside: {why['contrast']}")
    for c in why.get("candidates", []):
        lines.append(
            f"  candidate {c['entry']}: score {c['score']:.3f},"
            f" nearest phrasing {c['nearest_phrasing']:.2f},"
            f" edit similarity {c['edit_similarity']:.2f}, confidence {c['confidence']:.2f}"
        )
    for r in why.get("ruled_out", []):
        lines.append(f"  ruled out {r['entry']}: {r['why']}")
    if why.get("widened"):
        lines.append(f"  read wide: {why['widened']}")
    if why.get("figured"):
        lines.append(f"  read by its figure: {why['figured']}")
    thresholds = why.get("thresholds", {})
    lines.append(
        f"  decision: {why.get('decision')} (confidence {why.get('confidence', 0):.2f};"
        f" answer from {thresholds.get('answer')}, suggest from {thresholds.get('suggest')});"
        f" reply kind {reply.kind}"
    )
    return lines


def reply_as_block(reply: Reply) -> str:
    """Plain output for one question asked on the command line: answer, then sources."""
    lines = [reply.text]
    lines += [f'Source: {s.citation}: "{s.excerpt}"' for s in reply.sources]
    return "\n".join(lines)


def reply_as_text(reply: Reply) -> str:
    """One line of plain output: the answer, then its sources."""
    line = " / ".join(part.strip() for part in reply.text.splitlines() if part.strip())
    citations = list(dict.fromkeys(s.citation for s in reply.sources))
    if citations:
        line += " — Source: " + "; ".join(citations)
    return line


def answer_lines(
    responder: Responder,
    questions: Iterable[str],
    language: str | None,
    as_json: bool,
    one_line: bool = True,
    explain: bool = False,
) -> Iterable[str]:
    for question in questions:
        reply = responder.reply(question, context=None, language_hint=language)
        if as_json:
            yield reply_as_json(reply, explain)
            continue
        line = reply_as_text(reply) if one_line else reply_as_block(reply)
        if explain:
            line = "\n".join([line, *explanation_lines(reply)])
        yield line


def main(
    args: argparse.Namespace,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    stdin = stdin if stdin is not None else sys.stdin
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    directory = str(args.kb or default_knowledge_dir())
    kb = load_or_report(directory, err)
    if kb is None:
        return 1
    responder = Responder(kb)
    words = list(args.question or ())
    questions: Iterable[str] = (
        [" ".join(words)] if words else (line.rstrip("\r\n") for line in stdin)
    )
    explain = bool(getattr(args, "explain", False))
    for line in answer_lines(responder, questions, args.lang, bool(args.json), not words, explain):
        out.write(line + "\n")
        out.flush()
    return 0
