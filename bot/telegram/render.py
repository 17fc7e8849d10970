"""Turning plain text into Telegram messages: HTML with every dynamic text escaped, split
safely at Telegram's 4,096-character limit, with inline buttons.

A message is built from ``Block``s: plain text plus one style (bold, italic, quote). Text
is split as plain text first, at paragraph, line, sentence and word boundaries, and only
then escaped and wrapped, so a split never cuts an entity or a tag in half. Lengths are
counted in UTF-16 code units, as Telegram counts them, and include the markup, so every
message is within the limit however Telegram counts.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot import texts
from bot.telegram import callback_data
from intents.reply import Reply

MAX_MESSAGE_LENGTH = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH
MAX_BUTTON_LABEL = 60  # longer labels are cut by clients anyway
MAX_QUESTION_BUTTONS = 6

PLAIN, BOLD, ITALIC, QUOTE = "plain", "bold", "italic", "quote"
_TAGS = {PLAIN: ("", ""), BOLD: ("<b>", "</b>"), ITALIC: ("<i>", "</i>"),
         QUOTE: ("<blockquote>", "</blockquote>")}  # fmt: skip
_BLOCK_SEPARATOR = "\n\n"

# Control characters other than tab and newline, and lone surrogates (possible in JSON):
# Telegram rejects or mangles them, and they cannot be encoded as UTF-8.
_UNSENDABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_SENTENCE_END = re.compile(r"[.!?…:;]+[\"'”’」』)]*\s+|[。！？]+[」』）]*\s*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    html: str  # parse_mode HTML
    keyboard: Keyboard = ()


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of plain (unescaped) text in one style."""

    text: str
    style: str = PLAIN


def valid_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, the rest (surrogate pairs
    included) unchanged, and every offset in UTF-16 units kept. JSON can carry a lone
    surrogate (``"\\ud800"``); UTF-8, SQLite and Telegram's entity offsets cannot."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean(text: str) -> str:
    """``text`` without characters that cannot be sent."""
    return _UNSENDABLE.sub("", text)


def escape(text: str) -> str:
    """Escaped for HTML parse mode (text content, so quotes need no escaping)."""
    return html.escape(clean(text), quote=False)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def render_blocks(
    blocks: Iterable[Block], keyboard: Keyboard = (), *, limit: int = MAX_MESSAGE_LENGTH
) -> list[OutgoingMessage]:
    """Messages holding ``blocks`` in order, each within ``limit``; the keyboard goes on the
    last one. Blocks are kept whole when they fit and split at natural boundaries when not."""
    pieces: list[str] = []
    for block in blocks:
        if not clean(block.text).strip():
            continue
        opening, closing = _TAGS[block.style]
        budget = limit - utf16_length(opening) - utf16_length(closing)
        for part in split_text(clean(block.text).strip(), _fits_escaped(budget)):
            pieces.append(f"{opening}{escape(part)}{closing}")
    if not pieces:
        return []
    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{_BLOCK_SEPARATOR}{piece}" if current else piece
        if utf16_length(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = piece
    messages.append(current)
    return [
        OutgoingMessage(text, keyboard if index == len(messages) - 1 else ())
        for index, text in enumerate(messages)
    ]


def render_list(
    head: Block,
    lines: Sequence[str],
    more: Callable[[int], str],
    *,
    limit: int = MAX_MESSAGE_LENGTH,
) -> list[OutgoingMessage]:
    """One message: ``head``, then as many whole ``lines`` as fit, then ``more(n)`` for the
    ``n`` lines left out.

    For reports read from the top (a reload's problems, the most frequent questions): the
    first lines in one message are worth more than all of them over several. Escaping and
    the limit stay ``render_blocks``'s; this only chooses how many lines go in.
    """
    room = limit - _rendered_length(head) - utf16_length(_BLOCK_SEPARATOR)
    costs = [utf16_length(escape(line)) + 1 for line in lines]  # each with its newline
    body = list(lines)
    if sum(costs) - 1 > room:
        room -= utf16_length(escape(more(len(lines))))  # the longest "more" there can be
        shown, used = 0, 0
        while shown < len(lines) and used + costs[shown] <= room:
            used += costs[shown]
            shown += 1
        body = [*lines[:shown], more(len(lines) - shown)]
    return render_blocks([head, Block("\n".join(body))], limit=limit)


def _rendered_length(block: Block) -> int:
    opening, closing = _TAGS[block.style]
    return utf16_length(opening + escape(clean(block.text).strip()) + closing)


def split_text(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Pieces of ``text`` that each satisfy ``fits``, cut at the coarsest boundary that works:
    paragraphs, then lines, then sentences, then words, then characters."""
    return [piece for piece in _split(text, fits, level=0) if piece]


_SPLITTERS: tuple[Callable[[str], list[str]], ...] = (
    lambda text: _cut_after(text, re.compile(r"\n\s*\n")),
    lambda text: _cut_after(text, re.compile(r"\n")),
    lambda text: _cut_after(text, _SENTENCE_END),
    lambda text: _cut_after(text, _SPACE),
)


def _split(text: str, fits: Callable[[str], bool], level: int) -> list[str]:
    text = text.strip()
    if fits(text):
        return [text]
    if level >= len(_SPLITTERS):
        return _hard_split(text, fits)
    parts = _SPLITTERS[level](text)
    if len(parts) == 1:
        return _split(text, fits, level + 1)
    chunks: list[str] = []
    current = ""
    for part in parts:
        if fits((current + part).strip()):
            current += part
            continue
        if current.strip():
            chunks.append(current.strip())
        if fits(part.strip()):
            current = part
        else:
            chunks.extend(_split(part, fits, level + 1))
            current = ""
    if current.strip():
        chunks.append(current.strip())
    return chunks


def _cut_after(text: str, boundary: re.Pattern[str]) -> list[str]:
    """``text`` cut right after each match of ``boundary`` (the separator stays in front)."""
    cuts = [match.end() for match in boundary.finditer(text) if 0 < match.end() < len(text)]
    starts = [0, *cuts]
    ends = [*cuts, len(text)]
    return [text[start:end] for start, end in zip(starts, ends, strict=True) if start < end]


def _hard_split(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut by characters, never between a character and the marks that combine with it."""
    chunks: list[str] = []
    while text:
        low, high = 1, len(text)
        while low < high:  # the longest prefix that fits
            middle = (low + high + 1) // 2
            if fits(text[:middle]):
                low = middle
            else:
                high = middle - 1
        cut = low
        while 1 < cut < len(text) and _joins_previous(text[cut]):
            cut -= 1
        chunks.append(text[:cut])
        text = text[cut:]
    return chunks


def _joins_previous(char: str) -> bool:
    return (
        bool(unicodedata.combining(char))
        or char in "\u200d\ufe0e\ufe0f"
        or (
            "\U0001f3fb" <= char <= "\U0001f3ff"  # skin-tone modifiers
        )
    )


def _fits_escaped(budget: int) -> Callable[[str], bool]:
    return lambda text: utf16_length(escape(text)) <= budget


def button_label(text: str) -> str:
    label = _SPACE.sub(" ", clean(text)).strip()
    if len(label) <= MAX_BUTTON_LABEL:
        return label
    cut = label[: MAX_BUTTON_LABEL - 1]
    # At a word boundary when there is one near the end (kanji and kana have none).
    head, space, _ = cut.rpartition(" ")
    if space and len(head) >= MAX_BUTTON_LABEL * 2 // 3:
        cut = head.rstrip(",;:-")
    return cut + "…"


def question_buttons(
    suggestions: Sequence[tuple[str, str]], limit: int = MAX_QUESTION_BUTTONS
) -> Keyboard:
    """One row per (entry id, question) pair: pressing it asks that question."""
    return tuple(
        (Button(button_label(question), callback_data.encode(callback_data.QUESTION, entry)),)
        for entry, question in suggestions[:limit]
    )


def render_reply(reply: Reply, *, excerpt_button: str | None = None) -> list[OutgoingMessage]:
    """The messages for ``reply``: its text, the source line when it answered, a button for
    the excerpt (``excerpt_button`` is its callback data), then "did you mean" suggestions
    and related questions as buttons."""
    language = reply.language
    blocks = [Block(reply.text)]
    citations = source_citations(reply)
    if citations:
        line = texts.text("source_line", language, citations="; ".join(citations))
        blocks.append(Block(line, ITALIC))
    rows: list[tuple[Button, ...]] = []
    if excerpt_button:
        rows.append((Button(texts.text("show_excerpt", language), excerpt_button),))
    offered: list[tuple[str, str]] = []
    for suggestion in (*reply.suggestions, *reply.follow_ups):
        if suggestion.entry_id not in {entry for entry, _ in offered}:
            offered.append((suggestion.entry_id, suggestion.question))
    rows.extend(question_buttons(offered))
    return render_blocks(blocks, tuple(rows))


def source_citations(reply: Reply) -> list[str]:
    """The distinct source lines of an answering reply ("Press release, Tokyo, 13 Sep 2017")."""
    if not reply.answered:
        return []
    return list(dict.fromkeys(source.citation for source in reply.sources if source.citation))
