"""What the commands show works for any base in the format, not only the shipped one."""

from __future__ import annotations

import pytest

from bot.telegram import pages
from bot.telegram.render import OutgoingMessage
from knowledge import Evidence, KnowledgeBase
from knowledge.loader import load_knowledge
from tests.bot.starting import write_plain_base
from tests.bot.telegram_html import visible_text


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    directory = tmp_path_factory.mktemp("bases") / "plain"
    return load_knowledge(write_plain_base(directory, "What is in the memo?", "Not much."))


def text_of(messages: list[OutgoingMessage]) -> str:
    return "\n\n".join(visible_text(m.html) for m in messages)


def test_a_base_without_figures_quotes_or_companies_says_so(plain: KnowledgeBase) -> None:
    assert "holds no figures" in text_of(pages.facts_page(plain, "en"))
    assert "holds no quotes" in text_of(pages.quotes_page(plain, "en"))
    assert "names no companies" in text_of(pages.companies_page(plain, "en"))


def test_a_base_in_one_language_is_shown_in_it_whatever_the_user_speaks(
    plain: KnowledgeBase,
) -> None:
    [start] = pages.start_page(plain, "ja")
    assert "A plain base" in visible_text(start.html)
    assert [b.label for row in start.keyboard for b in row] == ["What is in the memo?"]
    assert "A memo" in text_of(pages.source_page(plain, "de", []))


def test_topics_without_topic_names_list_the_questions(plain: KnowledgeBase) -> None:
    [page] = pages.topics_page(plain, "en")
    assert [b.data for row in page.keyboard for b in row] == ["q:only"]


def test_the_excerpt_page_cites_the_source_of_each_excerpt(plain: KnowledgeBase) -> None:
    page = text_of(pages.excerpt_page(plain, "en", [Evidence("memo", "A memo.")]))
    assert "A memo." in page
    assert "Memo, Cologne, 2 Jan 2020" in page
    assert "rests on no excerpt" in text_of(pages.excerpt_page(plain, "en", []))


def test_the_language_menu_ticks_the_current_choice() -> None:
    [menu] = pages.language_menu("en", "ja")
    labels = [b.label for row in menu.keyboard for b in row]
    assert labels == ["English", "Deutsch", "✓ 日本語", "Automatic"]
    [menu] = pages.language_menu("de", None)
    assert [b.label for row in menu.keyboard for b in row][-1] == "✓ Automatisch"
