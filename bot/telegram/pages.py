"""What the commands show, built from the knowledge base: greeting, help, topics, figures,
quotes, companies, sources and excerpts, the language menu.

Pure functions from a ``KnowledgeBase`` and a UI language to ``OutgoingMessage``s; they
work for any base in the documented format, not only the shipped one. Content comes in
the asked language when the base has it, else in the base's default language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from bot import texts
from bot.telegram import callback_data
from bot.telegram.render import (
    BOLD,
    ITALIC,
    QUOTE,
    Block,
    Button,
    OutgoingMessage,
    button_label,
    question_buttons,
    render_blocks,
)
from intents.formats import format_date, language_name, native_language_name
from intents.reply import SourceRef
from knowledge import Entry, Evidence, KnowledgeBase, Language

EXAMPLE_QUESTIONS = 4
MAX_TOPIC_QUESTIONS = 30


def localized(texts_by_language: Mapping[Language, str], language: str, kb: KnowledgeBase) -> str:
    """The text in ``language``, else the base's default language, else any."""
    for code in (language, kb.default_language):
        if texts_by_language.get(code):
            return texts_by_language[code]
    return next(iter(texts_by_language.values()), "")


def entry_question(entry: Entry, language: str, kb: KnowledgeBase) -> str:
    """The entry's first phrasing in ``language`` (or the base's default language)."""
    for code in (language, kb.default_language, *entry.questions):
        phrasings = entry.questions.get(code)
        if phrasings:
            return phrasings[0]
    return entry.id


def text_page(key: str, language: str, **fields: str) -> list[OutgoingMessage]:
    return render_blocks([Block(texts.text(key, language, **fields))])


def start_page(kb: KnowledgeBase, language: str) -> list[OutgoingMessage]:
    """The greeting with a few example questions, one per topic, as buttons."""
    examples: list[Entry] = []
    topics_seen: set[str | None] = set()
    for entry in kb.entries.values():
        if entry.topic not in topics_seen:
            topics_seen.add(entry.topic)
            examples.append(entry)
    if len(examples) < EXAMPLE_QUESTIONS:
        examples += [e for e in kb.entries.values() if e not in examples]
    chosen = [(e.id, entry_question(e, language, kb)) for e in examples[:EXAMPLE_QUESTIONS]]
    return render_blocks(
        [Block(texts.text("start", language, title=kb.title))], question_buttons(chosen)
    )


def help_page(language: str, bot_username: str) -> list[OutgoingMessage]:
    return text_page("help", language, username=bot_username or "bot")


def topics(kb: KnowledgeBase) -> dict[str, list[Entry]]:
    """Entries grouped by topic, in file order ("" for entries without a topic)."""
    grouped: dict[str, list[Entry]] = {}
    for entry in kb.entries.values():
        grouped.setdefault(entry.topic or "", []).append(entry)
    return grouped


def topic_label(topic: str, language: str) -> str:
    return texts.topic_name(topic, language) if topic else texts.text("topic_other", language)


def topics_page(kb: KnowledgeBase, language: str) -> list[OutgoingMessage]:
    """What the bot can answer: one button per topic (or the questions, if only one topic)."""
    grouped = topics(kb)
    if len(grouped) <= 1:
        return topic_page(kb, language, next(iter(grouped), ""))
    lines = [
        f"• {topic_label(topic, language)} ({len(entries)})" for topic, entries in grouped.items()
    ]
    rows = tuple(
        (
            Button(
                button_label(f"{topic_label(topic, language)} ({len(entries)})"),
                callback_data.encode(callback_data.TOPIC, topic),
            ),
        )
        for topic, entries in grouped.items()
    )
    return render_blocks([Block(texts.text("topics", language)), Block("\n".join(lines))], rows)


def topic_page(kb: KnowledgeBase, language: str, topic: str) -> list[OutgoingMessage]:
    """The questions of one topic, as buttons."""
    entries = topics(kb).get(topic, [])[:MAX_TOPIC_QUESTIONS]
    chosen = [(e.id, entry_question(e, language, kb)) for e in entries]
    header = texts.text("topic_questions", language, topic=topic_label(topic, language))
    keyboard = question_buttons(chosen, limit=MAX_TOPIC_QUESTIONS)
    return render_blocks([Block(header, BOLD)], keyboard)


def facts_page(kb: KnowledgeBase, language: str) -> list[OutgoingMessage]:
    """The key figures: every fact that carries a number, in file order."""
    lines = []
    sources: list[str] = []
    for fact in kb.facts.values():
        if isinstance(fact.value, bool) or not isinstance(fact.value, int | float):
            continue
        line = f"• {localized(fact.statement, language, kb)}"
        if fact.as_of:
            line += texts.text("as_of", language, date=format_date(fact.as_of, language))
        lines.append(line)
        sources.append(fact.evidence.source_id)
    if not lines:
        return text_page("facts_none", language)
    return render_blocks(
        [
            Block(texts.text("facts", language), BOLD),
            Block("\n".join(lines)),
            *_citations(kb, sources, language),
        ]
    )


def quotes_page(kb: KnowledgeBase, language: str) -> list[OutgoingMessage]:
    """Every quote with its speaker and role, marked where it is a translation."""
    if not kb.quotes:
        return text_page("quotes_none", language)
    blocks = [Block(texts.text("quotes", language), BOLD)]
    for quote in kb.quotes.values():
        shown = language if quote.text.get(language) else quote.original_language
        speaker = kb.entities.get(quote.speaker)
        name = localized(speaker.name, language, kb) if speaker else quote.speaker
        role = localized(quote.role, language, kb)
        if quote.is_translation(shown):
            original = language_name(quote.original_language, language)
            attribution = texts.text(
                "attribution_translated", language, name=name, role=role, language=original
            )
        else:
            attribution = texts.text("attribution", language, name=name, role=role)
        blocks += [Block(quote.text.get(shown, ""), QUOTE), Block(attribution, ITALIC)]
    blocks += _citations(kb, [q.evidence.source_id for q in kb.quotes.values()], language)
    return render_blocks(blocks)


def companies_page(kb: KnowledgeBase, language: str) -> list[OutgoingMessage]:
    """The companies the sources name, alphabetically."""
    companies = [e for e in kb.entities.values() if e.kind == "company"]
    if not companies:
        return text_page("companies_none", language)
    names = sorted((localized(c.name, language, kb) for c in companies), key=str.casefold)
    sources = [c.evidence.source_id for c in companies if c.evidence]
    return render_blocks(
        [
            Block(texts.text("companies", language), BOLD),
            Block("\n".join(f"• {name}" for name in names)),
            *_citations(kb, sources, language),
        ]
    )


def source_page(
    kb: KnowledgeBase, language: str, last_sources: Sequence[SourceRef]
) -> list[OutgoingMessage]:
    """Each source's title, date, place and publishers, then the excerpt behind the last answer."""
    blocks: list[Block] = []
    for source in kb.sources.values():
        details = [
            texts.text(
                "source_published",
                language,
                date=format_date(source.date, language),
                place=source.place,
            ),
            texts.text("source_publishers", language, publishers=", ".join(source.publishers)),
            texts.text(
                "source_language", language, language=language_name(source.language, language)
            ),
        ]
        if source.url:
            details.append(source.url)
        blocks += [Block(localized(source.title, language, kb), BOLD), Block("\n".join(details))]
    excerpts = list(dict.fromkeys(ref.excerpt for ref in last_sources if ref.excerpt))
    if excerpts:
        blocks.append(Block(texts.text("source_last_excerpt", language), BOLD))
        blocks += [Block(excerpt, QUOTE) for excerpt in excerpts]
    else:
        blocks.append(Block(texts.text("source_no_last", language), ITALIC))
    return render_blocks(blocks)


def excerpt_page(
    kb: KnowledgeBase, language: str, evidence: Iterable[Evidence]
) -> list[OutgoingMessage]:
    """The verbatim excerpts an answer rests on, in the source's own language, with its line."""
    evidence = list(evidence)
    if not evidence:
        return text_page("no_excerpt", language)
    blocks: list[Block] = []
    for source_id in dict.fromkeys(ev.source_id for ev in evidence):
        source = kb.sources.get(source_id)
        original = language_name(source.language, language) if source else "?"
        blocks.append(Block(texts.text("excerpt_title", language, language=original), BOLD))
        blocks += [Block(ev.excerpt, QUOTE) for ev in evidence if ev.source_id == source_id]
        blocks += _citations(kb, [source_id], language)
    return render_blocks(blocks)


def language_menu(language: str, chosen: str | None) -> list[OutgoingMessage]:
    """Buttons for each UI language and "automatic"; the current choice is ticked."""

    def label(code: str | None, name: str) -> str:
        return f"✓ {name}" if code == chosen else name

    row = tuple(
        Button(
            label(code, native_language_name(code)),
            callback_data.encode(callback_data.LANGUAGE, code),
        )
        for code in texts.UI_LANGUAGES
    )
    auto = Button(
        label(None, texts.text("language_auto", language)),
        callback_data.encode(callback_data.LANGUAGE, "auto"),
    )
    return render_blocks([Block(texts.text("language_prompt", language))], (row, (auto,)))


def _citations(kb: KnowledgeBase, source_ids: Iterable[str], language: str) -> list[Block]:
    lines = []
    for source_id in dict.fromkeys(source_ids):
        source = kb.sources.get(source_id)
        if source is not None:
            lines.append(localized(source.citation, language, kb))
    if not lines:
        return []
    return [Block(texts.text("source_line", language, citations="; ".join(lines)), ITALIC)]
