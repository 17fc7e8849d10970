"""The one function: question in, Reply out. Expected figures are read from the base."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intents.render import format_value
from intents.reply import (
    ANSWER,
    COMPANY,
    DID_YOU_MEAN,
    EMPTY,
    NOT_ON_FILE,
    SMALL_TALK,
    UNKNOWN_COMPANY,
    Conversation,
)
from intents.responder import MAX_SUGGESTIONS, Responder
from intents.text import MAX_QUESTION_CHARS
from knowledge import KnowledgeBase
from knowledge.loader import load_knowledge


def figure(responder: Responder, entry_id: str, language: str) -> str:
    entry = responder.kb.entries[entry_id]
    facts = [responder.kb.facts[f] for f in entry.facts if responder.kb.facts[f].value is not None]
    return format_value(facts[0], language)


def test_answers_the_issue_question_with_figure_and_source(responder: Responder) -> None:
    reply = responder.reply("How many Japanese firms are in Düsseldorf?")
    assert reply.answered and reply.kind == ANSWER
    assert reply.entry == "companies-duesseldorf"
    assert figure(responder, "companies-duesseldorf", "en") in reply.text
    assert "September 2017" in reply.text
    assert reply.sources and all(s.excerpt for s in reply.sources)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Wie viele japanische Unternehmen gibt es in Düsseldorf?", "de"),
        ("デュッセルドルフには日本企業が何社ありますか？", "ja"),
        ("number of japanese compnies in dusseldorf", "en"),
    ],
)
def test_answers_in_the_language_of_the_question(
    responder: Responder, question: str, language: str
) -> None:
    reply = responder.reply(question, language_hint="en" if language != "en" else "de")
    assert reply.language == language
    assert reply.entry == "companies-duesseldorf"
    assert figure(responder, "companies-duesseldorf", language) in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "How many Chinese companies are in Düsseldorf?",
        "How many Japanese companies are in Munich?",
        "Wie viele japanische Unternehmen gibt es in München?",
        "ミュンヘンには日本企業が何社ありますか？",
        "How many Japanese companies were in Düsseldorf in 2005?",
        "When is the next seminar?",
    ],
)
def test_declines_what_the_base_does_not_cover(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert not reply.answered
    assert figure(responder, "companies-duesseldorf", reply.language) not in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "デュッセルドルフにある日本人向けの病院を教えてください",  # hospitals
        "NRWの日本人向け幼稚園は何か所ありますか",  # kindergartens
        "デュッセルドルフの日本食レストランのおすすめは？",  # restaurants (katakana)
        "NRWの日本祭りはいつですか？",  # a festival: 祭 alone beside the names
    ],
)
def test_japanese_about_something_the_base_never_names_is_declined(
    responder: Responder, question: str
) -> None:
    reply = responder.reply(question)
    assert not reply.answered
    for entry in ("residents-duesseldorf", "residents-nrw", "companies-duesseldorf"):
        assert figure(responder, entry, "ja") not in reply.text


@pytest.mark.parametrize(
    "question",
    [
        "When is the Japanese festival in Düsseldorf held?",
        "Wann findet das Japanfest in NRW statt?",
        "デュッセルドルフの日本デーは何月何日ですか？",
    ],
)
def test_when_is_never_answered_with_a_count(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert not reply.answered
    ruled = (reply.explanation or {}).get("ruled_out", [])
    assert any(r["reason"] == "no_date" for r in ruled), ruled
    for entry in ("residents-duesseldorf", "companies-duesseldorf", "companies-nrw"):
        assert figure(responder, entry, reply.language) not in reply.text


def test_when_still_finds_the_date(responder: Responder) -> None:
    reply = responder.reply("When was the seminar?")
    assert reply.answered and reply.entry == "seminar-date"


def test_a_compound_of_words_the_base_uses_is_no_unknown_word(responder: Responder) -> None:
    # "Konzernvertreter" is in no phrasing; "Konzern" and "Vertreter" are words of the base.
    match = responder.matcher.match(
        responder.analyser.analyse("Welche Konzernvertreter und Zahnärzte kamen?", "de")
    )
    assert "zahnarzte" in match.strange
    assert "konzernvertreter" not in match.strange


@pytest.mark.parametrize(
    ("question", "company"),
    [
        ("Is Toyota in NRW?", "toyota"),
        ("Does Mitsubishi have a presence in Düsseldorf?", "mitsubishi-electric"),
        ("Is Toyta in NRW?", "toyota"),
        ("Ist Canon in Düsseldorf vertreten?", "canon"),
        ("トヨタはNRWに進出していますか？", "toyota"),
    ],
)
def test_company_presence_from_the_entities(
    responder: Responder, question: str, company: str
) -> None:
    reply = responder.reply(question)
    entity = responder.kb.entities[company]
    assert reply.answered and reply.kind == COMPANY
    assert entity.name[reply.language] in reply.text
    if entity.evidence is not None:
        assert reply.sources[0].excerpt == entity.evidence.excerpt


@pytest.mark.parametrize("question", ["Is Sony in Düsseldorf?", "Hat Panasonic ein Büro in NRW?"])
def test_unknown_company_is_declined_with_the_named_ones(
    responder: Responder, question: str
) -> None:
    reply = responder.reply(question)
    assert not reply.answered and reply.kind == UNKNOWN_COMPANY
    named = [e for e in responder.kb.entities.values() if e.kind == "company"]
    assert all(e.name[reply.language] in reply.text for e in named)


def test_unknown_capitalised_company_in_a_presence_question(responder: Responder) -> None:
    reply = responder.reply("Is Zorblax Corporation in Düsseldorf?")
    assert not reply.answered and reply.kind == UNKNOWN_COMPANY
    assert "Zorblax" in reply.text


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("How many Japanese companies are in Düsseldorf?", "and in NRW?", "companies-nrw"),
        (
            "Wie viele japanische Unternehmen gibt es in NRW?",
            "und in Düsseldorf?",
            "companies-duesseldorf",
        ),
        (
            "How many Japanese companies are in Düsseldorf?",
            "what about residents?",
            "residents-duesseldorf",
        ),
        (
            "Wie viele japanische Unternehmen gibt es in Düsseldorf?",
            "und die Einwohner?",
            "residents-duesseldorf",
        ),
        ("デュッセルドルフには日本企業が何社ありますか？", "NRWでは？", "companies-nrw"),
    ],
)
def test_follow_ups_resolve_against_the_previous_question(
    responder: Responder, first: str, follow_up: str, expected: str
) -> None:
    previous = responder.reply(first)
    assert previous.answered
    reply = responder.reply(follow_up, context=previous.context)
    assert reply.answered and reply.entry == expected
    assert reply.language == previous.language
    assert reply.context.last_entry == expected


def test_follow_ups_chain(responder: Responder) -> None:
    first = responder.reply("How many Japanese companies are in Düsseldorf?")
    second = responder.reply("and in NRW?", context=first.context)
    third = responder.reply("what about residents?", context=second.context)
    assert third.entry == "residents-nrw"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("How many Japanese companies are in NRW?", "Who spoke at the seminar?"),
        ("Wie viele Japaner leben in NRW?", "Wer hat auf dem Seminar gesprochen?"),
        ("NRWには日本企業が何社ありますか？", "セミナーでは誰が話しましたか？"),
    ],
)
def test_a_short_question_answered_on_its_own_is_not_a_follow_up(
    responder: Responder, first: str, second: str
) -> None:
    alone = responder.reply(second)
    assert alone.answered
    after = responder.reply(second, context=responder.reply(first).context)
    assert after.entry == alone.entry
    assert after.explanation is not None and after.explanation["follow_up"] is None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Where was the seminar?", "how many people were there?"),
        ("Wo fand das Seminar statt?", "Wie viele Leute waren da?"),
    ],
)
def test_a_word_pointing_back_continues_the_previous_question(
    responder: Responder, first: str, second: str
) -> None:
    assert not responder.reply(second).answered  # alone it does not say which people
    after = responder.reply(second, context=responder.reply(first).context)
    assert after.answered and after.entry == "seminar-attendance"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("What did the mayor say?", "ok and who is he?", "who-is-geisel"),
        ("Who heads NRW.INVEST?", "and what did she say?", "quote-wassner"),
    ],
)
def test_a_pronoun_is_the_person_the_previous_answer_was_about(
    responder: Responder, first: str, second: str, expected: str
) -> None:
    previous = responder.reply(first)
    assert previous.answered
    after = responder.reply(second, context=previous.context)
    assert after.answered and after.entry == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("How many Japanese live in Düsseldorf?", "and what is the trade tax there?"),
        ("Wie viele Japaner leben in Düsseldorf?", "Wie hoch ist die Gewerbesteuer dort?"),
        ("デュッセルドルフには日本人が何人住んでいますか？", "そこの法人税率は？"),
    ],
)
def test_a_follow_up_about_something_the_base_never_names_is_not_answered(
    responder: Responder, first: str, second: str
) -> None:
    previous = responder.reply(first)
    assert previous.answered
    after = responder.reply(second, context=previous.context)
    assert not after.answered
    assert figure(responder, previous.entry, previous.language) not in after.text


def test_an_analysis_is_kept_until_forgotten(responder: Responder) -> None:
    analyser = responder.analyser
    first = analyser.analyse("How many Japanese companies are in NRW?", "en")
    assert analyser.analyse("How many Japanese companies are in NRW?", "en") is first
    analyser.forget()
    again = analyser.analyse("How many Japanese companies are in NRW?", "en")
    assert again is not first and again == first


def test_a_fragment_without_context_is_not_answered(responder: Responder) -> None:
    assert not responder.reply("and in NRW?").answered


def test_follow_up_of_a_declined_question_stays_declined(responder: Responder) -> None:
    first = responder.reply("How many Chinese companies are in Düsseldorf?")
    assert not responder.reply("and in NRW?", context=first.context).answered


def test_related_entries_are_offered_in_the_reply_language(responder: Responder) -> None:
    reply = responder.reply("Wie viele Japaner leben in Düsseldorf?")
    entry = responder.kb.entries[reply.entry]
    assert [s.entry_id for s in reply.follow_ups] == list(entry.related)
    for suggestion in reply.follow_ups:
        assert suggestion.question == responder.kb.entries[suggestion.entry_id].questions["de"][0]


def test_unsure_replies_suggest_at_most_three(responder: Responder) -> None:
    reply = responder.reply("Düsseldorf Japan")
    assert not reply.answered
    if reply.kind == DID_YOU_MEAN:
        assert 1 <= len(reply.suggestions) <= MAX_SUGGESTIONS
        assert all(s.question in reply.text for s in reply.suggestions)


def test_not_on_file_states_no_figures(responder: Responder) -> None:
    reply = responder.reply("What is the weather like in Düsseldorf in winter?")
    assert not reply.answered and reply.kind in (NOT_ON_FILE, DID_YOU_MEAN)
    assert not reply.sources
    assert not any(ch.isdigit() for ch in reply.text)


@pytest.mark.parametrize("question", ["", "   ", "?!", "…", "\n\t"])
def test_empty_questions(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert reply.kind == EMPTY and not reply.answered


def test_empty_question_keeps_the_context(responder: Responder) -> None:
    context = Conversation("companies-nrw", "How many Japanese companies are in NRW?", "en")
    assert responder.reply("?", context=context).context == context


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(responder: Responder, question: str) -> None:
    reply = responder.reply(question, context=Conversation(None, question[:50], "ja"))
    assert reply.language in responder.kb.languages
    assert isinstance(reply.text, str) and reply.text


def test_huge_input_is_cut_and_answered_safely(responder: Responder) -> None:
    reply = responder.reply("How many Japanese firms are in Düsseldorf? " * 5000)
    assert reply.language == "en"


def test_answer_entry_renders_a_suggestion(responder: Responder) -> None:
    reply = responder.answer_entry("companies-nrw", "de")
    assert reply.answered and reply.entry == "companies-nrw"
    assert figure(responder, "companies-nrw", "de") in reply.text


def test_one_language_base(small_responder: Responder) -> None:
    reply = small_responder.reply("how many ferries per day?")
    assert reply.answered and reply.language == "en"
    assert "42" in reply.text and "May 2020" in reply.text
    plain = small_responder.reply("who do I call about investing")
    assert plain.answered and not plain.sources


def test_one_language_base_answers_in_its_language(small_responder: Responder) -> None:
    assert small_responder.reply("Wie viele Fähren fahren täglich?").language == "en"


def test_one_language_base_declines_a_substitution(small_responder: Responder) -> None:
    # "buses" where every phrasing of the entry says "ferries"
    assert not small_responder.reply("How many buses per day?").answered


@pytest.mark.parametrize(
    "question",
    [
        "How many Japanese tourists visit Düsseldorf?",  # tourists are not residents
        "What is the population of Düsseldorf?",  # all residents, not the Japanese ones
        "Wie viele Einwohner hat Düsseldorf?",
        "How many startups are there in NRW?",  # the release gives no count of startups
        # companies located in Tokyo: the seminar was there, and its figure counts attendees
        "How many Japanese companies are based in Tokyo?",
        # a role the base's phrasings never use is a person, and not one of the base's
        "What did the Japanese prime minister say?",
        "Was hat der Bundeskanzler über Japan gesagt?",
        "首相は何と言いましたか？",
        # a first and last name the base never uses
        "What did Angela Merkel say about Japan?",
        "Wann ist der Japan-Tag?",
    ],
)
def test_near_misses_are_declined_without_a_figure(responder: Responder, question: str) -> None:
    reply = responder.reply(question)
    assert not reply.answered
    for entry_id in ("residents-duesseldorf", "residents-nrw", "companies-duesseldorf"):
        assert figure(responder, entry_id, reply.language) not in reply.text


def test_the_chosen_language_wins_over_the_question_language(responder: Responder) -> None:
    question = "Wie viele japanische Unternehmen gibt es in Düsseldorf?"
    reply = responder.reply(question, language="en")
    assert reply.answered and reply.language == "en"
    assert figure(responder, "companies-duesseldorf", "en") in reply.text
    assert reply.context.language == "en"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is the weather like in Frankfurt tomorrow?", NOT_ON_FILE),
        ("What is the price of gold in Frankfurt?", DID_YOU_MEAN),
        ("Is Sony in Düsseldorf?", UNKNOWN_COMPANY),
        ("Is Toyota in NRW?", COMPANY),
        ("?!", EMPTY),
    ],
)
def test_every_kind_of_reply_honours_the_chosen_language(
    responder: Responder, question: str, kind: str
) -> None:
    reply = responder.reply(question, language="ja")
    assert reply.kind == kind and reply.language == "ja"


def test_a_language_the_base_lacks_is_no_choice(small_responder: Responder) -> None:
    reply = small_responder.reply("how many ferries per day?", language="de")
    assert reply.answered and reply.language == "en"


def test_the_hint_still_decides_only_ambiguous_questions(responder: Responder) -> None:
    assert responder.reply("NRW?", language_hint="de").language == "de"
    assert responder.reply("How many Japanese live in NRW?", language_hint="de").language == "en"


@pytest.mark.parametrize(
    ("question", "surface"),
    [
        ("What did Ada Quist say?", "ada quist"),
        ("Was sagte der Premierminister?", "premierminister"),
        ("大統領のコメントは？", "大統領"),
    ],
)
def test_a_person_the_base_never_names_is_still_seen_as_a_person(
    responder: Responder, question: str, surface: str
) -> None:
    mentions = responder.analyser.analyse(question).mentions
    assert [(m.kind, m.known) for m in mentions if m.surface == surface] == [("person", False)]


def test_a_role_the_base_own_phrasings_use_is_not_taken_for_another_person(
    responder: Responder,
) -> None:
    # the shipped base asks "What did the mayor say?": "mayor" is the base's to answer
    mentions = responder.analyser.analyse("What did the mayor say?").mentions
    assert not [m for m in mentions if m.kind == "person" and not m.known]
    assert responder.reply("What did the mayor say?").answered


def test_dotted_acronyms_and_misspelt_katakana_still_name_the_base_entity(
    responder: Responder,
) -> None:
    for question in (
        "how many japanese companies in n.r.w.?",
        "ドュッセルドルフの日本企業は何社？",
    ):
        mentions = responder.analyser.analyse(question).mentions
        assert [m for m in mentions if m.kind == "place" and m.known], question


def test_a_question_mostly_about_something_the_base_never_mentions_is_not_answered(
    responder: Responder,
) -> None:
    # Names aside, "Fördermittel" is all it asks about, and the base never mentions it.
    reply = responder.reply("Welche Fördermittel gibt es für japanische Firmen?")
    assert not reply.answered


def test_what_is_said_of_a_region_without_a_figure_answers_for_a_place_within_it(
    region_responder: Responder,
) -> None:
    reply = region_responder.reply("Can we find skilled workers in Harbour Town?")
    assert (reply.kind, reply.entry) == (ANSWER, "county-workers")
    assert "Harbour County" in (reply.explanation or {})["widened"]


def test_a_region_s_count_is_not_the_count_of_a_place_within_it(
    region_responder: Responder,
) -> None:
    reply = region_responder.reply("How many ferries run in Harbour Town every day?")
    assert not reply.answered
    assert "42" not in reply.text
    assert region_responder.reply("How many ferries run in Harbour County every day?").answered


def test_a_question_naming_the_region_itself_is_read_narrowly(
    region_responder: Responder,
) -> None:
    reply = region_responder.reply("Can we hire skilled workers in Harbour County?")
    assert reply.entry == "county-workers"
    assert not (reply.explanation or {})["widened"]


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        (
            "not how many japanese live in düsseldorf but how many japanese companies",
            "companies-duesseldorf",
        ),
        (
            "nicht die Japaner in NRW, sondern wie viele japanische Firmen es dort gibt",
            "companies-nrw",
        ),
        ("デュッセルドルフの会社の数じゃなくて、日本人は何人？", "residents-duesseldorf"),
    ],
)
def test_what_is_set_aside_is_not_answered_but_lends_its_place(
    responder: Responder, question: str, entry: str
) -> None:
    reply = responder.reply(question)
    assert (reply.kind, reply.entry) == (ANSWER, entry)
    assert (reply.explanation or {})["contrast"]


def test_an_introduction_in_the_same_sentence_does_not_sink_the_question(
    responder: Responder,
) -> None:
    reply = responder.reply(
        "As a CFO weighing sites for a Kobe shipping line, I'd like the number of Japanese"
        " companies in Düsseldorf"
    )
    assert (reply.kind, reply.entry) == (ANSWER, "companies-duesseldorf")
    assert (reply.explanation or {})["preamble"].startswith("number of japanese companies")


def test_a_preamble_that_names_the_place_is_kept(responder: Responder) -> None:
    # the place is said before the question: cutting it off would lose it
    reply = responder.reply("For Düsseldorf, I'd like to know how many Japanese companies")
    assert not (reply.explanation or {}).get("preamble")


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Is {} still correct today?", "companies-duesseldorf"),
        ("Stimmt die Zahl {} noch?", "residents-nrw"),
        ("{}という数字は今も正しいですか", "residents-duesseldorf"),
    ],
)
def test_a_figure_on_file_names_the_entry_that_states_it(
    responder: Responder, question: str, entry: str
) -> None:
    facts = [responder.kb.facts[f] for f in responder.kb.entries[entry].facts]
    stated = str(next(f.value for f in facts if isinstance(f.value, int)))
    reply = responder.reply(question.format(stated))
    assert (reply.kind, reply.entry) == (ANSWER, entry)
    assert stated in (reply.explanation or {})["figured"]


def test_a_figure_not_on_file_is_no_subject(region_responder: Responder) -> None:
    reply = region_responder.reply("Is 43 still correct today?")
    assert not reply.answered
    assert "42" not in reply.text


def test_what_someone_said_is_not_answered_by_who_they_are(responder: Responder) -> None:
    # both entries cite the mayor's quote; only one is ever asked what he said
    reply = responder.reply("トーマス・ガイゼル氏の発言内容を教えてください")
    assert reply.entry == "quote-geisel"
    ruled = (reply.explanation or {})["ruled_out"]
    assert any(r["entry"] == "who-is-geisel" and r["reason"] == "not_quoted" for r in ruled)


def test_us_is_the_country_only_in_capitals(responder: Responder) -> None:
    told = responder.reply("can you tell us how many japanese companies are in düsseldorf")
    assert (told.kind, told.entry) == (ANSWER, "companies-duesseldorf")
    mentions = (told.explanation or {})["analysis"]["mentions"]
    assert all(m["ref"] != "world:country-US" for m in mentions)
    abroad = responder.reply("How many Japanese companies are in the US?")
    assert not abroad.answered
    assert any(
        m["ref"] == "world:country-US" and m["kind"] == "place"
        for m in (abroad.explanation or {})["analysis"]["mentions"]
    )


def test_a_thank_you_does_not_end_the_subject(responder: Responder) -> None:
    first = responder.reply("How many Japanese companies are in Düsseldorf?")
    thanks = responder.reply("thanks!", context=first.context)
    assert thanks.kind == SMALL_TALK
    follow = responder.reply("and what about japanese people?", context=thanks.context)
    assert (follow.kind, follow.entry) == (ANSWER, "residents-duesseldorf")


# -- the reply memory -------------------------------------------------------------------


def test_a_question_asked_again_gets_the_remembered_reply(shipped_kb: KnowledgeBase) -> None:
    responder = Responder(shipped_kb)
    first = responder.reply("How many Japanese firms are in Düsseldorf?")
    again = responder.reply("How many Japanese firms are in Düsseldorf?")
    assert again is first
    memory = responder.remembered()
    assert memory is not None and (memory.hits, memory.misses) == (1, 1)


def test_the_remembered_reply_is_the_reply_worked_out_afresh(shipped_kb: KnowledgeBase) -> None:
    remembering = Responder(shipped_kb)
    forgetting = Responder(shipped_kb, remembered=0)
    assert forgetting.remembered() is None
    for question in ("Wie viele Japaner leben in NRW?", "東京で何がありましたか？", "Hello!"):
        remembering.reply(question)
        remembered = remembering.reply(question)
        fresh = forgetting.reply(question)
        assert remembered == fresh
        assert remembered.explanation == fresh.explanation


def test_the_same_words_in_another_context_or_language_are_worked_out_again(
    shipped_kb: KnowledgeBase,
) -> None:
    responder = Responder(shipped_kb)
    alone = responder.reply("and in NRW?")
    after = responder.reply("and in NRW?", context=responder.reply(
        "How many Japanese companies are in Düsseldorf?").context)  # fmt: skip
    assert not alone.answered
    assert after.answered and after.entry == "companies-nrw"
    german = responder.reply("and in NRW?", language="de")
    assert german.language == "de" and alone.language == "en"


def test_the_reply_memory_is_bounded(small_base_dir: Path) -> None:
    responder = Responder(load_knowledge(small_base_dir), remembered=2)
    for question in ("one?", "two?", "three?", "four?"):
        responder.reply(question)
    memory = responder.remembered()
    assert memory is not None and memory.currsize == 2


def test_a_long_message_is_remembered_by_what_is_read_of_it(shipped_kb: KnowledgeBase) -> None:
    responder = Responder(shipped_kb)
    long = "How many Japanese firms are in Düsseldorf? " + "x" * (2 * MAX_QUESTION_CHARS)
    first = responder.reply(long)
    assert responder.reply(long[: MAX_QUESTION_CHARS + 5]) is first
    assert len(first.question) <= MAX_QUESTION_CHARS
