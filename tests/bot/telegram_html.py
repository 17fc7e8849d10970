"""What Telegram's HTML parse mode accepts, checked the strict way for tests.

Only Telegram's tags, properly nested and closed; text with no raw ``<`` or ``>`` and
only the entities Telegram knows; the visible text (entities decoded, tags dropped) is
returned so tests can read what the user sees.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
     "blockquote", "tg-spoiler", "span", "tg-emoji"}
)  # fmt: skip
# Telegram supports only these named entities, plus numeric ones.
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class MalformedHtml(AssertionError):
    pass


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise MalformedHtml(f"tag <{tag}> is not allowed by Telegram")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise MalformedHtml(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(markup: str) -> str:
    """The text a Telegram user sees for ``markup``; raises MalformedHtml when invalid."""
    stray = re.sub(r"<(/?)([a-z-]+)(\s[^<>]*)?>", "", markup)
    if "<" in stray or ">" in stray:
        raise MalformedHtml(f"raw < or > in text: {markup[:200]!r}")
    for ampersand in re.finditer("&", stray):
        if not _ENTITY.match(stray, ampersand.start()):
            raise MalformedHtml(
                f"bare & in text: {stray[ampersand.start() : ampersand.start() + 20]!r}"
            )
    checker = _Checker()
    checker.feed(markup)
    checker.close()
    if checker.open:
        raise MalformedHtml(f"unclosed tags {checker.open}")
    return "".join(checker.text)
