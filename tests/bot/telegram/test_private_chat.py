"""Talking to the bot in a private chat, over the fake Bot API server.

Expected figures, citations and excerpts are read from the knowledge base, not written
here: the tests pin down how the bot presents what the base says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.config import Settings
from bot.stores.preferences import Preferences
from bot.telegram.render import MAX_MESSAGE_LENGTH, utf16_length
from knowledge import KnowledgeBase
from tests.bot.starting import start_bot, vague_question, write_plain_base
from tests.bot.telegram_html import visible_text
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram import updates as factory
from tests.fake_telegram.harness import BotUnderTest, Chat, Replies

pytestmark = pytest.mark.timeout(60)


ChatFactory = Callable[..., Awaitable[Chat]]


@pytest.fixture
def kb(running_bot: BotUnderTest) -> KnowledgeBase:
    return running_bot.services.store.current.kb  # type: ignore[attr-defined, no-any-return]


def shown(replies: Replies) -> str:
    """What the user sees: every message's visible text (each checked to be valid HTML)."""
    for message in replies:
        assert message.parse_mode == "HTML"
        assert utf16_length(message.text) <= MAX_MESSAGE_LENGTH
    return "\n\n".join(visible_text(message.text) for message in replies)


def figure(kb: KnowledgeBase, fact_id: str, language: str) -> str:
    value = kb.facts[fact_id].value
    assert isinstance(value, int)
    return f"{value:,}".replace(",", "." if language == "de" else ",")


@pytest.mark.parametrize(
    ("language", "question"),
    [
        ("en", "How many Japanese firms have their seat in Düsseldorf?"),
        ("de", "Wie viele japanische Unternehmen gibt es eigentlich in Düsseldorf?"),
        ("ja", "デュッセルドルフにある日本企業の数を教えてください"),
    ],
)
async def test_a_question_is_answered_in_its_language_with_its_source(
    telegram_chat: ChatFactory, kb: KnowledgeBase, language: str, question: str
) -> None:
    user = await telegram_chat(language="en")  # the client's language does not decide
    replies = await user.user_says(question)
    text = shown(replies)
    assert figure(kb, "companies-duesseldorf", language) in text
    citation = kb.sources["press-release-2017-09-13"].citation[language]
    assert citation in text
    assert replies[-1].buttons, "an answer offers the excerpt and related questions"
    related = [b.callback_data for b in replies.buttons if b.callback_data.startswith("q:")]
    assert related == [f"q:{entry}" for entry in kb.entries["companies-duesseldorf"].related]


async def test_a_follow_up_refers_to_the_previous_question(
    telegram_chat: ChatFactory, kb: KnowledgeBase
) -> None:
    user = await telegram_chat()
    await user.user_says("How many Japanese companies are in Düsseldorf?")
    replies = await user.user_says("and in NRW?")
    assert figure(kb, "companies-nrw", "en") in shown(replies)


async def test_the_excerpt_button_shows_the_verbatim_source(
    telegram_chat: ChatFactory, kb: KnowledgeBase
) -> None:
    user = await telegram_chat()
    answer = await user.user_says("How many Japanese live in Düsseldorf?")
    replies = await user.press(answer.button("excerpt"))
    excerpt = kb.facts["residents-duesseldorf"].evidence.excerpt
    assert excerpt in shown(replies)
    assert excerpt in kb.sources["press-release-2017-09-13"].text
    assert replies.callback_answers, "the button's spinner is stopped"


async def test_a_related_question_button_answers_that_question(
    telegram_chat: ChatFactory, kb: KnowledgeBase
) -> None:
    user = await telegram_chat()
    answer = await user.user_says("How many Japanese companies are in Düsseldorf?")
    button = next(b for b in answer.buttons if b.callback_data == "q:companies-nrw")
    replies = await user.press(button)
    assert figure(kb, "companies-nrw", "en") in shown(replies)
    assert "Source:" in shown(replies)


async def test_when_unsure_the_bot_offers_did_you_mean_buttons(
    telegram_chat: ChatFactory, running_bot: BotUnderTest, kb: KnowledgeBase
) -> None:
    services = running_bot.services  # type: ignore[attr-defined]
    responder = services.store.current.responder
    vague = vague_question(responder)
    user = await telegram_chat()
    replies = await user.user_says(vague)
    suggested = [b for b in replies.buttons if b.callback_data.startswith("q:")]
    assert suggested, "did-you-mean suggestions come as buttons"
    assert "Source:" not in shown(replies), "a guess is not presented as an answer"
    chosen = suggested[0]
    entry = kb.entries[chosen.callback_data.removeprefix("q:")]
    answer = await user.press(chosen)
    assert answer.text, "pressing a suggestion answers it"
    assert services.conversations.get(user.chat["id"]).conversation.last_entry == entry.id


async def test_markup_in_a_question_cannot_break_or_inject_html(telegram_chat: ChatFactory) -> None:
    user = await telegram_chat()
    for question in (
        "<b>How many</b> Japanese companies & firms are in Düsseldorf?",
        "Is <script>alert('x')</script> & Co in NRW?",
        "What about </i></blockquote><a href='http://evil'>this</a>?",
    ):
        replies = await user.user_says(question)
        assert replies, question
        for message in replies:
            visible_text(message.text)  # raises unless well-formed Telegram HTML
            assert "<script" not in message.text and "<a " not in message.text


async def test_every_command_answers(
    telegram_chat: ChatFactory, fake_telegram: FakeTelegram, kb: KnowledgeBase
) -> None:
    user = await telegram_chat()

    start = await user.command("start")
    assert kb.title in shown(start)
    assert len(start.buttons) >= 3 and all(b.callback_data.startswith("q:") for b in start.buttons)

    help_text = shown(await user.command("help"))
    for command in ("/topics", "/facts", "/quotes", "/companies", "/source", "/language"):
        assert command in help_text
    assert f"@{fake_telegram.bot_username}" in help_text

    topics = await user.command("topics")
    assert len(topics.buttons) == len({e.topic for e in kb.entries.values()})
    questions = await user.press(topics.buttons[0])
    assert questions.buttons and all(b.callback_data.startswith("q:") for b in questions.buttons)

    facts = shown(await user.command("facts"))
    for fact_id in ("companies-duesseldorf", "companies-nrw", "residents-duesseldorf"):
        assert figure(kb, fact_id, "en") in facts

    quotes = shown(await user.command("quotes"))
    for quote in kb.quotes.values():
        assert kb.entities[quote.speaker].name["en"] in quotes
        assert quote.text["en"][:40] in quotes
    assert "translated from German" in quotes

    companies = shown(await user.command("companies"))
    for entity in kb.entities.values():
        if entity.kind == "company":
            assert entity.name["en"] in companies

    source = shown(await user.command("source"))
    release = kb.sources["press-release-2017-09-13"]
    assert release.title["en"] in source
    assert all(publisher in source for publisher in release.publishers)
    assert "Published: 13 September 2017, Tokyo" in source

    menu = await user.command("language")
    assert [b.text for b in menu.buttons][:3] == ["English", "Deutsch", "日本語"]


async def test_source_shows_the_excerpt_behind_the_last_answer(
    telegram_chat: ChatFactory, kb: KnowledgeBase
) -> None:
    user = await telegram_chat(language="de")
    before = shown(await user.command("source"))
    excerpt = kb.facts["companies-nrw"].evidence.excerpt
    assert excerpt not in before
    await user.user_says("Wie viele japanische Unternehmen gibt es in NRW?")
    after = shown(await user.command("source"))
    assert excerpt in after
    assert "Pressemitteilung" not in after or "Auszug" in after  # German frame


async def test_commands_speak_the_users_language(telegram_chat: ChatFactory) -> None:
    german = shown(await (await telegram_chat("de-AT", user_id=2001)).command("help"))
    japanese = shown(await (await telegram_chat("ja", user_id=2002)).command("help"))
    unknown = shown(await (await telegram_chat("pt-br", user_id=2003)).command("help"))
    assert "Frage" in german
    assert "質問" in japanese
    assert "question" in unknown


async def test_a_deep_link_answers_its_entry(telegram_chat: ChatFactory, kb: KnowledgeBase) -> None:
    user = await telegram_chat()
    replies = await user.command("start", "residents-nrw")
    assert figure(kb, "residents-nrw", "en") in shown(replies)
    unknown = await user.command("start", "no-such-entry")
    assert kb.title in shown(unknown), "an unknown payload just greets"


@pytest.mark.parametrize(
    "forged",
    ["q:no-such-entry", "src:no-such-entry", "t:no-such-topic", "lang:fr", "admin:reload",
     "q#AAAAAAAAAAAA", "x" * 64, ""],
)  # fmt: skip
async def test_forged_button_data_gets_a_polite_refusal_and_nothing_else(
    telegram_chat: ChatFactory, forged: str
) -> None:
    replies = await (await telegram_chat()).press_data(forged)
    assert list(replies) == [], "no message is sent"
    [answer] = replies.callback_answers
    assert "no longer valid" in answer["text"]


async def test_the_language_choice_changes_replies_and_survives_a_restart(
    bot_settings: Settings, fake_telegram: FakeTelegram
) -> None:
    async with start_bot(bot_settings, fake_telegram) as first_run:
        kb = first_run.services.store.current.kb  # type: ignore[attr-defined]
        user = first_run.chat(language="en")
        menu = await user.command("language")
        confirmation = await user.press(menu.buttons[1])  # Deutsch
        assert confirmation[0].is_edit, "the menu is replaced by the confirmation"
        assert "Deutsch" in shown(confirmation)
        replies = await user.user_says("How many Japanese companies are in Düsseldorf?")
        assert kb.sources["press-release-2017-09-13"].citation["de"] in shown(replies)
        company = shown(await user.user_says("Is Toyota in NRW?"))
        assert kb.entities["toyota"].description["de"] in company
        declined = shown(await user.user_says("What is the office rent in Düsseldorf?"))
        assert not any(ch.isdigit() for ch in declined)
        assert "nothing on file" not in declined, "a decline is in the chosen language too"

    assert Preferences(bot_settings.data_dir).language_of(user.user["id"]) == "de"
    async with start_bot(bot_settings, fake_telegram) as second_run:
        user = second_run.chat(language="en")
        assert "Frage" in shown(await user.command("help"))
        menu = await user.command("language")
        assert "✓ Deutsch" in [b.text for b in menu.buttons]
        await user.press(menu.buttons[-1])  # automatic
        assert "question" in shown(await user.command("help"))


@pytest.mark.bot_env(HTTP_TRANSPORT="httpx")
async def test_the_bot_answers_the_same_over_python_telegram_bots_own_transport(
    telegram_chat: ChatFactory, kb: KnowledgeBase
) -> None:
    user = await telegram_chat(language="en")
    replies = await user.user_says("How many Japanese live in Düsseldorf?")
    assert figure(kb, "residents-duesseldorf", "en") in shown(replies)
    assert kb.sources["press-release-2017-09-13"].citation["en"] in shown(replies)


@pytest.mark.bot_env(FLOOD_LIMIT_PER_MINUTE="3")
async def test_too_many_questions_a_minute_get_one_polite_notice(
    telegram_chat: ChatFactory,
) -> None:
    user = await telegram_chat()
    for _ in range(3):
        assert "Source:" in shown(await user.user_says("How many Japanese live in NRW?"))
    notice = await user.user_says("How many Japanese live in NRW?")
    assert "wait a minute" in shown(notice)
    assert list(await user.user_says("How many Japanese live in NRW?")) == []
    other = await telegram_chat(user_id=5555)
    assert "Source:" in shown(await other.user_says("How many Japanese live in NRW?"))
    assert "Key figures" in shown(await user.command("facts")), "commands still work"


async def test_edits_and_non_text_messages(
    telegram_chat: ChatFactory, running_bot: BotUnderTest
) -> None:
    user = await telegram_chat()
    await user.user_says("How many Japanese live in NRW?")
    assert list(await user.edit_last("How many Japanese live in Düsseldorf?")) == []
    location = factory.message("", sender=user.user, chat=user.chat)
    del location["text"]
    location["location"] = {"latitude": 51.22, "longitude": 6.77}
    replies = await running_bot.send({"update_id": factory.next_update_id(), "message": location})
    assert "as text" in shown(replies)


async def test_a_long_answer_is_split_into_several_valid_messages(
    bot_settings: Settings, fake_telegram: FakeTelegram, tmp_path: Path
) -> None:
    paragraph = "The history of this place is long & full of <detail>. " * 12
    answer = "\n\n".join(f"Part {chr(65 + n % 26)}: {paragraph}" for n in range(20))
    base = write_plain_base(tmp_path / "kb", "Tell me the whole history", answer)
    assert len(answer) > 2 * MAX_MESSAGE_LENGTH
    settings = dataclasses.replace(bot_settings, knowledge_dir=base)
    async with start_bot(settings, fake_telegram) as running:
        replies = await running.chat().user_says("Tell me the whole history")
    assert len(replies) >= 3
    texts = [visible_text(m.text) for m in replies]
    assert all(utf16_length(m.text) <= MAX_MESSAGE_LENGTH for m in replies)
    assert all(t.startswith("Part ") for t in texts), "split between paragraphs"
    assert sum(t.count("Part ") for t in texts) == 20, "nothing lost or repeated"
    assert "long & full of <detail>" in texts[0]
    assert [bool(m.buttons) for m in replies][:-1] == [False] * (len(replies) - 1)
