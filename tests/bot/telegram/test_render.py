"""Rendering replies as Telegram HTML: escaping, splitting at 4,096, buttons."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram import callback_data
from bot.telegram.render import (
    BOLD,
    MAX_MESSAGE_LENGTH,
    QUOTE,
    Block,
    render_blocks,
    render_list,
    render_reply,
    split_text,
    utf16_length,
)
from intents.reply import ANSWER, DID_YOU_MEAN, NOT_ON_FILE, Reply, SourceRef, Suggestion
from tests.bot.telegram_html import MalformedHtml, visible_text

CITATION = "Press release, Tokyo, 13 Sep 2017"


def answer(text: str, **extra: object) -> Reply:
    values: dict[str, object] = {
        "question": "q",
        "language": "en",
        "answered": True,
        "kind": ANSWER,
        "text": text,
        "entries": ("companies-duesseldorf",),
        "sources": (SourceRef("release", CITATION, "Alleine in Düsseldorf ..."),),
    }
    values.update(extra)
    return Reply(**values)  # type: ignore[arg-type]


def test_an_answer_names_its_source_under_the_text() -> None:
    [message] = render_reply(answer("384 companies."))
    shown = visible_text(message.html)
    assert shown.startswith("384 companies.")
    assert shown.endswith(f"Source: {CITATION}")
    assert f"<i>Source: {CITATION}</i>" in message.html


def test_an_unanswered_reply_cites_nothing() -> None:
    reply = answer("Not on file.", answered=False, kind=NOT_ON_FILE, entries=())
    [message] = render_reply(reply)
    assert visible_text(message.html) == "Not on file."


def test_the_source_line_follows_the_reply_language() -> None:
    [message] = render_reply(answer("384社。", language="ja"))
    assert "出典：" in visible_text(message.html)


@pytest.mark.parametrize(
    "hostile",
    [
        "<b>bold</b> & <script>alert(1)</script>",
        "a < b > c && d",
        "</i></b><a href='x'>",
        "&amp; &lt; &#x27; &unknown;",
    ],
)
def test_markup_in_dynamic_text_is_shown_not_interpreted(hostile: str) -> None:
    [message] = render_reply(answer(hostile, sources=(SourceRef("s", hostile, "x"),)))
    shown = visible_text(message.html)  # well-formed, or this raises
    assert shown.startswith(hostile)
    assert shown.endswith(hostile)


def test_characters_telegram_cannot_take_are_dropped() -> None:
    [message] = render_reply(answer("a\x00b\x07c\ud800d\ne"))
    assert visible_text(message.html).startswith("abcd\ne")


def test_did_you_mean_and_related_questions_become_buttons() -> None:
    reply = answer(
        "Did you mean:",
        answered=False,
        kind=DID_YOU_MEAN,
        suggestions=(Suggestion("companies-nrw", "How many in NRW?"),),
        follow_ups=(Suggestion("residents-nrw", "How many live in NRW?"),),
    )
    [message] = render_reply(reply)
    labels = [button.label for row in message.keyboard for button in row]
    data = [button.data for row in message.keyboard for button in row]
    assert labels == ["How many in NRW?", "How many live in NRW?"]
    assert data == ["q:companies-nrw", "q:residents-nrw"]


def test_the_excerpt_button_comes_first_when_asked_for() -> None:
    [message] = render_reply(answer("384."), excerpt_button="src:companies-duesseldorf")
    first = message.keyboard[0][0]
    assert first.data == "src:companies-duesseldorf"
    assert "excerpt" in first.label


def test_a_long_answer_is_split_into_messages_within_the_limit() -> None:
    paragraphs = [f"Paragraph {n}: " + "Düsseldorf & NRW <3. " * 60 for n in range(12)]
    reply = answer("\n\n".join(paragraphs), follow_ups=(Suggestion("x", "More?"),))
    messages = render_reply(reply)
    assert len(messages) > 1
    for message in messages:
        assert utf16_length(message.html) <= MAX_MESSAGE_LENGTH
        visible_text(message.html)
    # Nothing lost, nothing repeated, and the split fell between paragraphs.
    shown = [visible_text(m.html) for m in messages]
    assert "\n\n".join(shown).count("Paragraph") == 12
    assert all(part.startswith("Paragraph") for part in shown)
    # The source line and the buttons close the last message only.
    assert shown[-1].endswith(CITATION)
    assert CITATION not in "".join(shown[:-1])
    assert [m.keyboard != () for m in messages] == [False] * (len(messages) - 1) + [True]


def test_one_endless_line_is_split_at_sentences_then_words() -> None:
    sentences = "This is one sentence of many. " * 400
    pieces = split_text(sentences.strip(), lambda text: len(text) <= 1000)
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    words = "word " * 1000
    pieces = split_text(words.strip(), lambda text: len(text) <= 999)
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in pieces)
    assert " ".join(pieces) == words.strip()


def test_japanese_text_splits_after_its_full_stops() -> None:
    text = "デュッセルドルフには384社の日本企業があります。" * 300
    pieces = split_text(text, lambda piece: len(piece) <= 500)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == text


def test_text_without_any_boundary_is_cut_by_characters_without_loss() -> None:
    text = "x" * 10_000
    pieces = split_text(text, lambda piece: len(piece) <= 4000)
    assert [len(p) for p in pieces] == [4000, 4000, 2000]


def test_escaping_counts_against_the_limit() -> None:
    # 5,000 visible characters, but 25,000 once escaped: the HTML is what must fit.
    messages = render_blocks([Block("&" * 5000)])
    assert len(messages) == 7
    assert all(utf16_length(m.html) <= MAX_MESSAGE_LENGTH for m in messages)
    assert sum(visible_text(m.html).count("&") for m in messages) == 5000


def test_emoji_count_twice_as_telegram_counts_them() -> None:
    messages = render_blocks([Block("🇯🇵" * 2000)])  # 4 UTF-16 units each
    assert all(utf16_length(m.html) <= MAX_MESSAGE_LENGTH for m in messages)
    assert "".join(visible_text(m.html) for m in messages) == "🇯🇵" * 2000


def test_styled_blocks_stay_well_formed_when_split() -> None:
    messages = render_blocks([Block("Title", BOLD), Block("Quoted <words>. " * 600, QUOTE)])
    for message in messages:
        visible_text(message.html)
        assert message.html.count("<blockquote>") == message.html.count("</blockquote>")


def test_blank_text_gives_no_message() -> None:
    assert render_blocks([Block("  \n ")]) == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=9000))
def test_any_text_renders_within_limits_as_valid_html(text: str) -> None:
    for message in render_reply(answer(text or "x")):
        assert utf16_length(message.html) <= MAX_MESSAGE_LENGTH
        try:
            visible_text(message.html)
        except MalformedHtml as error:  # pragma: no cover - shows the input on failure
            raise AssertionError(f"{error} for {text!r}") from None


def test_every_button_carries_valid_callback_data() -> None:
    long_id = "entry-" + "x" * 100
    reply = answer("a", follow_ups=(Suggestion(long_id, "Long?"),))
    [message] = render_reply(reply)
    [[button]] = message.keyboard
    assert len(button.data.encode()) <= callback_data.MAX_BYTES
    assert callback_data.decode(button.data) is not None


def test_a_long_button_label_is_cut_at_a_word_with_an_ellipsis() -> None:
    from bot.telegram.render import MAX_BUTTON_LABEL, button_label

    long = "Which well-known Japanese companies have already invested in North Rhine-Westphalia?"
    label = button_label(long)
    assert len(label) <= MAX_BUTTON_LABEL and label.endswith("…")
    assert long.startswith(label[:-1]) and long[len(label) - 1] == " ", "cut before a word"
    japanese = "ノルトライン＝ヴェストファーレン州に投資している日本企業を教えてください" * 3
    assert len(button_label(japanese)) == MAX_BUTTON_LABEL


# -- lists cut to one message (admin reports) ---------------------------------------------


def test_a_list_keeps_whole_lines_that_fit_then_says_how_many_are_left_out() -> None:
    (message,) = render_list(Block("head", BOLD), ["x" * 40] * 10, lambda n: f"+{n}", limit=110)
    assert message.html == "<b>head</b>\n\n" + "\n".join(["x" * 40] * 2) + "\n+8"


def test_a_list_that_fits_is_shown_whole_without_a_more_line() -> None:
    (message,) = render_list(Block("head", BOLD), ["a & b", "c"], lambda n: f"+{n}")
    assert message.html == "<b>head</b>\n\na &amp; b\nc"


@given(st.lists(st.text(max_size=400), max_size=60))
@settings(max_examples=60, deadline=None)
def test_any_list_is_one_message_within_the_limit(lines: list[str]) -> None:
    messages = render_list(Block("Problems <&>", BOLD), lines, lambda n: f"… and {n} more")
    assert len(messages) == 1
    assert utf16_length(messages[0].html) <= MAX_MESSAGE_LENGTH
    visible_text(messages[0].html)  # well-formed HTML
