"""Question in, ``Reply`` out: the one function every face calls.

``Responder(kb)`` learns the base once (``intents.matcher``); ``reply`` then runs the
pipeline for one question:

1. **analyse** it (``intents.analysis``): language, terms, typed mentions, what it asks;
2. a short question that refers back ("and in Ohio?", "und die Koreaner?", "韓国人は？") is
   also read as the previous question with what it re-specifies replaced;
3. **retrieve** and **constrain** (``intents.matcher``): entries ranked, those that cannot
   answer ruled out with the reason;
4. **decide** (``intents.decision``) from the calibrated confidence: answer, "did you mean",
   or decline; a company the base names is answered from what the base says of it, one it
   does not name gets an honest "the release does not name X";
5. **build** the reply (``intents.render``): the entry's answer with its figures and
   sources, in the user's language.

Every reply carries ``explanation``: the analysis, the candidates with their scores and
confidence, what was ruled out and why, and the decision (``python -m bot ask --explain``).
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from intents.analysis import Analysis
from intents.cues import TIME as TIME_KIND
from intents.cues import asking_tail, contrasted, cues, question_joints
from intents.decision import ANSWER as DECIDED_ANSWER
from intents.decision import (
    ANSWER_CONFIDENCE,
    FEATURES,
    SUGGEST,
    SUGGEST_CONFIDENCE,
)
from intents.formats import format_number
from intents.matcher import LearnedModels, Match, Matcher, matcher_for
from intents.names import COMPANY as COMPANY_KIND
from intents.names import KIND_FAMILY
from intents.names import NATIONALITY as NATIONALITY_KIND
from intents.names import PEOPLE as PEOPLE_KIND
from intents.render import Renderer, localized
from intents.reply import (
    ANSWER,
    COMPANY,
    DID_YOU_MEAN,
    EMPTY,
    NOT_ON_FILE,
    SEVERAL,
    SMALL_TALK,
    UNKNOWN_COMPANY,
    Conversation,
    Reply,
    SourceRef,
    Suggestion,
)
from intents.sentences import is_question, sentences, split_questions
from intents.text import MAX_QUESTION_CHARS, fold, words
from intents.texts import text
from knowledge import KnowledgeBase, Language

log = logging.getLogger(__name__)

MAX_SUGGESTIONS = 3
MAX_FOLLOW_UPS = 3
# Questions answered from one message; more are pointed out, not answered (a reply stays
# readable on a phone, and each answer cites its own sources).
MAX_QUESTIONS = 3
# A message this short (in words; kanji/kana: characters / 3) may refer back to the
# previous question even without "and" or "what about": "Ohio?", "in Köln?".
FOLLOW_UP_WORDS = 4
PERSON_ENTITY = "person"  # the entity kind of people (knowledge/README.md)
# Replies remembered per base, least recently asked forgotten first. A bot hears the same
# questions again and again, and matching is most of the CPU an update costs (make bench,
# throughput). A reply is a pure function of the question as typed, the chat's context and
# the two languages, for one base; a reload builds a new Responder, so a new base starts with
# an empty memory. A reply with its explanation holds about 9.4 KiB (tracemalloc, over the
# dev and heldout questions), about 70 KiB for a message of the longest kind, with several
# questions: 256 of them are about 2.5 MB, and at most about 18 MB whatever is typed.
REMEMBERED_REPLIES = 256


def _nothing_said(text_: str) -> bool:
    """Only punctuation and spaces: no letter, digit or symbol (an emoji says something)."""
    return all(unicodedata.category(ch)[0] in "PZC" for ch in text_)


class Responder:
    """Answers questions from one knowledge base; build once, call ``reply`` often."""

    def __init__(
        self,
        kb: KnowledgeBase,
        models: LearnedModels | None = None,
        *,
        remembered: int = REMEMBERED_REPLIES,
    ) -> None:
        """``models``: a store of matchers learned before (a base learned once is not
        learned again when it loads in another process). ``remembered``: how many replies
        are kept for questions asked again (0: none)."""
        self.kb = kb
        self.matcher: Matcher = matcher_for(kb, models)
        self.analyser = self.matcher.analyser
        self.detector = self.analyser.detector
        self.renderer = Renderer(kb)
        self.companies = tuple(e.id for e in kb.entities.values() if e.kind == "company")
        self._answers: dict[
            tuple[str, Language], tuple[str, tuple[SourceRef, ...], tuple[Suggestion, ...]]
        ] = {}
        self._naming: dict[str, list[str]] = {}
        for entry in kb.entries.values():
            for entity in entry.entities:
                self._naming.setdefault(entity, []).append(entry.id)
        # A question that raised is not remembered: lru_cache keeps only what returned.
        self._remembered_reply = (
            functools.lru_cache(maxsize=remembered)(self._reply) if remembered else self._reply
        )

    def remembered(self) -> functools._CacheInfo | None:
        """Hits, misses and size of the reply memory; None when it is off."""
        info = getattr(self._remembered_reply, "cache_info", None)
        return info() if info is not None else None

    # -- the one entry point -------------------------------------------------------

    def reply(
        self,
        question: str,
        context: Conversation | None = None,
        language_hint: Language | None = None,
        language: Language | None = None,
    ) -> Reply:
        """The reply to ``question`` in that chat's ``context``; never raises.

        ``language_hint`` (the user's Telegram language) decides only for questions that
        fit any language ("Ohio?"). ``language`` (the user's own choice, /language) is the
        reply language whatever the question's, when the base has it.
        """
        context = context if isinstance(context, Conversation) else Conversation()
        chosen = language if language in self.kb.languages else None
        try:
            # Cut first, as _reply does: a long message is not kept whole in the memory.
            asked = str(question)[:MAX_QUESTION_CHARS]
            return self._remembered_reply(asked, context, language_hint, chosen)
        except Exception:  # a reply must always come back; the cause goes to the log
            log.exception("could not answer a question of %d characters", len(str(question)))
            reply_language = chosen or self.detector.choose(None, context.language, language_hint)
            return Reply(
                question=str(question)[:MAX_QUESTION_CHARS],
                language=reply_language,
                answered=False,
                kind=NOT_ON_FILE,
                text=text("not_on_file", reply_language),
                context=context,
            )

    def answer_entry(self, entry_id: str, language: Language, question: str | None = None) -> Reply:
        """The answer of one entry, as when a suggestion button is pressed."""
        language = self.detector.choose(language)
        asked = question or self.label(entry_id, language)
        return self._answer(asked, entry_id, language, 1.0, asked, {})

    def label(self, entry_id: str, language: Language, preferred: str | None = None) -> str:
        """The question to show for the entry on a button: the one the user asked when it
        is a phrasing of the entry, else the entry's label in ``language`` (or its first
        phrasing there), else in the base's default language."""
        entry = self.kb.entries[entry_id]
        if preferred and preferred in entry.questions.get(language, ()):
            return preferred
        for lang in (language, self.kb.default_language, *entry.questions):
            shown = entry.display_question(lang)
            if shown:
                return shown
        return entry_id

    # -- the pipeline ----------------------------------------------------------------

    def _reply(
        self, question: str, context: Conversation, hint: Language | None, chosen: Language | None
    ) -> Reply:
        question = question[:MAX_QUESTION_CHARS]
        guess = self.analyser.guess_language(question)
        language = chosen or self.detector.choose(guess, context.language, hint)
        if _nothing_said(question):
            return Reply(
                question=question,
                language=language,
                answered=False,
                kind=EMPTY,
                text=self._empty_text(language),
                context=context,
            )
        conjunctions, starters, cjk_starters = question_joints()
        said = sentences(question)
        if len(said) == 1 and contrasted(fold(question), guess or language):
            # "not how many live there but how many companies": one question, not two
            return self._question(question, context, guess, language, chosen is not None)
        parts = [
            q
            for sentence in said
            for q in split_questions(sentence, conjunctions, starters, cjk_starters)
        ]
        if len(parts) > 1:
            return self._message(question, parts, context, guess or language, language)
        return self._question(question, context, guess, language, chosen is not None)

    def _message(
        self,
        message: str,
        parts: list[str],
        context: Conversation,
        analysed_in: Language,
        language: Language,
    ) -> Reply:
        """A message of several sentences: its questions answered in order, one reply.

        Greetings, thanks and self-introductions around the questions are set aside ("Hi,
        we're a game studio from Fukuoka. How many …? Thanks!"); a message that is nothing
        but those gets the best of its sentences' replies. At most ``MAX_QUESTIONS``.
        """
        # Every sentence, and the whole message, matched on its own in one go; then in
        # order, each may follow up on the one before it ("…in Ohio? Und wie viele
        # Koreaner wohnen da?").
        analyses = [self.analyser.analyse(part, analysed_in) for part in parts]
        asking = sum(
            1 for part, a in zip(parts, analyses, strict=True) if is_question(part) or a.asks
        )
        whole_needed = asking <= 1  # then the whole message competes (below)
        if whole_needed:
            analyses.append(self.analyser.analyse(message, analysed_in))
        own = self.matcher.match_all(analyses)
        replies: list[Reply] = []
        for part, match in zip(parts, own, strict=False):
            before = replies[-1].context if replies and replies[-1].answered else context
            replies.append(self._question(part, before, analysed_in, language, True, match))
        questions = [
            r
            for part, r in zip(parts, replies, strict=True)
            if r.kind not in (SMALL_TALK, EMPTY) and self._asks(part, r)
        ]
        if len(questions) <= 1:
            # One question (or none) among pleasantries: the whole message read as one
            # question competes with each sentence; an answer beats small talk beats the rest.
            whole = self._question(
                message, context, analysed_in, language, True, own[-1] if whole_needed else None
            )
            candidates = [whole, *questions] if questions else [whole, *replies]
            ranked = sorted(
                candidates, key=lambda r: (r.answered, r.kind == SMALL_TALK, r.confidence)
            )
            return ranked[-1]
        shown = questions[:MAX_QUESTIONS]
        sections = [f"{i}. {r.question}\n{r.text}" for i, r in enumerate(shown, start=1)]
        if len(questions) > MAX_QUESTIONS:
            sections.append(
                text("too_many_questions", language, count=format_number(MAX_QUESTIONS, language))
            )
        answered = [r for r in shown if r.answered]
        sources = tuple(dict.fromkeys(s for r in answered for s in r.sources))
        last = answered[-1] if answered else shown[-1]
        return Reply(
            question=message,
            language=language,
            answered=bool(answered),
            kind=SEVERAL,
            text="\n\n".join(sections),
            entries=tuple(e for r in answered for e in r.entries),
            score=min(r.score for r in shown),
            sources=sources,
            best_candidate=last.best_candidate,
            context=last.context,
            confidence=min(r.confidence for r in shown),
            explanation={"parts": [dict(r.explanation or {}) for r in shown]},
            parts=tuple(shown),
        )

    @staticmethod
    def _asks(sentence: str, reply: Reply) -> bool:
        """Whether a sentence asks something: a question mark, or a question word (read
        from the analysis its reply was built on, not analysed again)."""
        if is_question(sentence):
            return True
        return bool((reply.explanation or {}).get("analysis", {}).get("asks"))

    def _question(
        self,
        question: str,
        context: Conversation,
        guess: Language | None,
        language: Language,
        chosen: bool,
        matched: Match | None = None,
    ) -> Reply:
        """One question (one sentence, or a message that is one); ``matched``: its own
        match, when it was matched already."""
        explanation: dict[str, Any] = {"follow_up": None, "contrast": None, "preamble": None}
        reading = self._contrast(question, guess or language, language)
        if reading is not None:
            # "not A but B": what is set aside is no part of the question (it may lend its
            # place: "nicht die Koreaner in X, sondern die Firmen dort")
            matched = self.matcher.match(reading)
            explanation["contrast"] = reading.question
        match = matched or self.matcher.match(self.analyser.analyse(question, guess or language))
        if reading is None and match.decision != DECIDED_ANSWER:
            tail = self._without_preamble(match.analysis, guess or language)
            if tail is not None:
                # "As a CFO weighing sites, I'd like the figure for …": what comes before
                # the question is who asks, not what is asked
                matched_tail = self.matcher.match(tail)
                if matched_tail.decision == DECIDED_ANSWER:
                    match, reading = matched_tail, tail
                    explanation["preamble"] = tail.question
        analysis = match.analysis
        asked: str | None = question
        own = match.best
        chatting = own is not None and self.kb.entries[own.entry].small_talk
        if (
            reading is None
            and context.last_question
            and not (chatting and match.decision == DECIDED_ANSWER)
            and not match.strange
        ):
            # A fragment with a word the base never uses ("and the rent there?", "wie hoch
            # ist die Gewerbesteuer dort?") asks about that, not the previous question again.
            combined = self._follow_up(
                analysis, context, language, match.decision == DECIDED_ANSWER
            )
            if combined is not None:
                follow = self.matcher.match(combined)
                if follow.decision == DECIDED_ANSWER and (
                    match.decision != DECIDED_ANSWER or follow.confidence > match.confidence
                ):
                    explanation["follow_up"] = combined.question
                    match, analysis, asked = follow, combined, None
                    if guess is None and not chosen and context.language in self.kb.languages:
                        language = context.language
        explanation.update(self.explain(match))
        company = self._company_reply(question, match, language, explanation)
        if company is not None:
            return company
        best = match.best
        if (
            best is not None
            and match.decision == SUGGEST
            and self.kb.entries[best.entry].small_talk
            and not match.unknown
            and not analysis.mentions
        ):
            # Small talk states no fact: a wrong "You're welcome" costs little, so it is
            # said from the suggestion threshold on instead of offering buttons for it;
            # not when most of the words are ones the base never uses ("wie hoch ist die
            # Gewerbesteuer?" is a question about something else, not "how are you"), nor
            # when it names a place, a nationality or anyone ("… Firmen in den USA?").
            return self._small_talk(
                question, best.entry, language, best.confidence, explanation, context
            )
        if best is not None and match.decision == DECIDED_ANSWER:
            if self.kb.entries[best.entry].small_talk:
                return self._small_talk(
                    question, best.entry, language, best.confidence, explanation, context
                )
            reply = self._answer(
                question, best.entry, language, best.confidence, asked, explanation
            )
            as_of = self.renderer.as_of(self.kb.entries[best.entry], language)
            if analysis.about_present and as_of:
                # "Is 384 still right today?": the dated figure, and that nothing is newer.
                note = text("nothing_newer", language, date=as_of)
                reply = replace(reply, text=f"{reply.text}\n{note}")
            return reply
        if best is not None and match.decision == SUGGEST:
            return self._did_you_mean(question, match, language, explanation)
        return Reply(
            question=question,
            language=language,
            answered=False,
            kind=NOT_ON_FILE,
            text=text("not_on_file", language),
            score=round(match.confidence * 100, 1),
            best_candidate=best.entry if best else None,
            context=Conversation(None, question, language),
            confidence=match.confidence,
            explanation=explanation,
        )

    def _without_preamble(self, analysis: Analysis, analysed_in: Language) -> Analysis | None:
        """The sentence from where it starts to ask (``cues.asking_tail``), when what comes
        before names nothing of a kind the rest does not name: "Für Springfield: wie viele
        Firmen?" keeps its place. A message of several sentences has its sentences read
        one by one instead (``_message``)."""
        if len(sentences(analysis.question)) > 1:
            return None
        tail = asking_tail(analysis.folded, analysis.language or analysed_in)
        if tail is None:
            return None
        rest = self.analyser.analyse(tail, analysis.language or analysed_in)
        named = {KIND_FAMILY.get(m.kind, m.kind) for m in rest.mentions}
        if any(KIND_FAMILY.get(m.kind, m.kind) not in named for m in analysis.mentions):
            return None
        return rest

    def _contrast(
        self, question: str, analysed_in: Language, language: Language
    ) -> Analysis | None:
        """The reading of "not A but B" (``cues.contrasted``): B, with A's names of the
        kinds B does not name ("nicht die Koreaner in X, sondern die Firmen dort": X); A's
        words are not asked. None without a contrast."""
        split = contrasted(fold(question), analysed_in)
        if split is None:
            return None
        aside, asked = split
        fragment = self.analyser.analyse(asked, analysed_in)
        named = {KIND_FAMILY.get(m.kind, m.kind) for m in fragment.mentions}
        lent = [
            m.surface
            for m in self.analyser.analyse(aside, analysed_in).mentions
            if KIND_FAMILY.get(m.kind, m.kind) not in named
        ]
        if not lent:
            return fragment
        return self.analyser.analyse(
            " ".join([fragment.question, *lent]), fragment.language or language
        )

    def _follow_up(
        self,
        fragment: Analysis,
        context: Conversation,
        language: Language,
        answered: bool,
    ) -> Analysis | None:
        """The previous question re-specified by a short fragment, or None if it is not one.
        ``answered``: the fragment alone gets an answer."""
        tokens = words(fragment.folded)
        table = cues().get(fragment.language or language)
        explicit = table is not None and (
            table.follow_up.starts(tokens) or table.follow_up.ends(fragment.folded)
        )
        short = len(tokens) <= FOLLOW_UP_WORDS and (
            not fragment.folded or len(fragment.folded) <= FOLLOW_UP_WORDS * 8
        )
        refers_back = table is not None and table.refers_back.found_in(fragment.folded, tokens)
        if not (explicit or short or refers_back) or (answered and not explicit):
            # A question answered on its own, with no "and …?" or "what about …?" to say
            # that it continues, is a question of its own.
            return None
        if not (
            fragment.mentions
            or fragment.asks
            or fragment.counts_people
            or fragment.counts_organisations
            or fragment.unnamed_content
        ):
            # "👍", "ok", "and?": nothing re-specified, so nothing to ask again.
            return None
        previous_language = self.analyser.guess_language(context.last_question or "")
        previous = self.analyser.analyse(
            context.last_question or "", previous_language or context.language or language
        )
        families = {KIND_FAMILY.get(m.kind, m.kind) for m in fragment.mentions}
        if families - {KIND_FAMILY.get(m.kind, m.kind) for m in previous.mentions}:
            # "Is Acme in Ohio?" after a question about places names a company: a new
            # subject, not the previous question re-specified.
            return None
        dropped = {
            m.surface for m in previous.mentions if KIND_FAMILY.get(m.kind, m.kind) in families
        }
        own_question = bool(fragment.asks or fragment.unnamed_content)
        if own_question:
            # A fragment that asks something of its own ("and where?", "what did she say?",
            # "and what's the rent there?") takes only the subject from before: its names
            # and content words, not its question words, which would out-vote the new ones.
            subject = [m.surface for m in previous.mentions if m.surface not in dropped]
            named = [m.surface for m in previous.mentions]
            subject += [w for w in previous.content if not any(w in s for s in named)]
            if refers_back and not fragment.mentions:
                # "who is he?" after the mayor's quote: "he" is the one person the previous
                # answer was about, whatever the previous question called him.
                subject += self._person_of(context.last_entry, previous.language or language)
            if fragment.counting and not (fragment.counts_people or fragment.counts_organisations):
                # "how many in Iowa?" still counts what was counted before
                subject += self._counted_words(previous)
            kept = " ".join(subject)
        else:
            kept = previous.folded
            for surface in sorted(dropped, key=len, reverse=True):
                kept = kept.replace(surface, " ")
        switches_to_people = fragment.counts_people and not previous.counts_people
        switches_to_organisations = (
            fragment.counts_organisations
            and not fragment.counts_people
            and not previous.counts_organisations
        )
        if switches_to_people:
            kept = self._without(kept, "organisations", previous.language)
        elif switches_to_organisations:
            kept = self._without(kept, "people", previous.language)
        rest = fragment.question
        follow_up = table.follow_up if table else None
        if not own_question and follow_up is not None and tokens and follow_up.starts(tokens):
            # "and in Ohio?" adds "in Ohio", not "and"
            for n in range(follow_up.longest, 0, -1):
                if tuple(tokens[:n]) in follow_up.latin:
                    rest = " ".join(tokens[n:])
                    break
        if own_question:
            combined = self.analyser.analyse(
                f"{rest} {kept}".strip(), fragment.language or previous.language or language
            )
        else:
            combined = self.analyser.analyse(
                f"{kept} {rest}".strip(), previous.language or language
            )
        if switches_to_organisations:
            # "and companies?" after "how many Koreans live in Ohio?": the Koreans kept from
            # before are now the nationality of the companies, no longer people counted.
            combined = replace(
                combined,
                mentions=tuple(
                    replace(m, kind=NATIONALITY_KIND) if m.kind == PEOPLE_KIND else m
                    for m in combined.mentions
                ),
                counts_people=False,
            )
        return combined

    def _person_of(self, entry_id: str | None, language: Language) -> list[str]:
        """The name of the one person an entry is about ([] for none or several)."""
        entry = self.kb.entries.get(entry_id or "")
        people = [
            self.kb.entities[e]
            for e in (entry.entities if entry else ())
            if e in self.kb.entities and self.kb.entities[e].kind == PERSON_ENTITY
        ]
        if len(people) != 1:
            return []
        names = people[0].name
        return [names.get(language) or next(iter(names.values()), "")] if names else []

    @staticmethod
    def _counted_words(analysis: Analysis) -> list[str]:
        """The words of a question that say what it counts ("firms", "Einwohner", 企業)."""
        table = cues().get(analysis.language or "")
        if table is None:
            return []
        tokens = words(analysis.folded)
        found = []
        for cue, counted in (
            ("people", analysis.counts_people),
            ("organisations", analysis.counts_organisations),
        ):
            if counted:
                phrases = getattr(table, cue)
                found += [w for w in tokens if (w,) in phrases.latin]
                found += [p for p in phrases.cjk if p in analysis.folded]
        return found

    @staticmethod
    def _without(folded: str, cue: str, language: Language | None) -> str:
        table = cues().get(language or "")
        if table is None:
            return folded
        phrases = getattr(table, cue)
        kept = [w for w in words(folded) if (w,) not in phrases.latin]
        for cjk in phrases.cjk:
            kept = [w.replace(cjk, " ") for w in kept]
        return " ".join(kept)

    # -- replies ------------------------------------------------------------------

    def _company_reply(
        self, question: str, match: Match, language: Language, explanation: dict[str, Any]
    ) -> Reply | None:
        """A company question that no entry covering that company answers."""
        companies = [m for m in match.analysis.mentions if m.kind == COMPANY_KIND]
        if not companies:
            return None
        best = match.best
        named = {m.ref for m in companies}
        if best is not None and match.decision == DECIDED_ANSWER:
            covered = self.matcher.covered(best.entry).covers.get(COMPANY_KIND, frozenset())
            # An entry about these very companies answers it; a list of many companies
            # that happens to include one is not about it.
            if named & covered and len(covered) <= len(named) + 1:
                return None
        if match.analysis.counting or TIME_KIND in match.analysis.asks:
            return None  # "how many employees does X have": not what a company reply says
        known = list(
            dict.fromkeys(m.ref for m in companies if m.known and m.ref in self.kb.entities)
        )
        unknown = list(dict.fromkeys(m.surface for m in companies if not m.known))
        explanation["decision"] = "company" if known and not unknown else "unknown_company"
        if known and not unknown:
            return self._company_answer(question, known, language, explanation)
        return self._unknown_company(question, unknown, language, explanation)

    def _company_answer(
        self, question: str, company_ids: list[str], language: Language, explanation: dict[str, Any]
    ) -> Reply:
        paragraphs = []
        evidence = []
        for cid in company_ids:
            entity = self.kb.entities[cid]
            description = localized(entity.description, language, self.kb.default_language)
            paragraphs.append(description or self.renderer.entity_name(cid, language))
            if entity.evidence is not None:
                evidence.append(entity.evidence)
        follow_ups = [
            Suggestion(entry_id, self.label(entry_id, language))
            for cid in company_ids
            for entry_id in self._naming.get(cid, ())
        ]
        return Reply(
            question=question,
            language=language,
            answered=True,
            kind=COMPANY,
            text="\n\n".join(paragraphs),
            entries=tuple(company_ids),
            score=100.0,
            sources=self.renderer.sources(tuple(dict.fromkeys(evidence)), language),
            follow_ups=tuple(follow_ups[:MAX_FOLLOW_UPS]),
            context=Conversation(None, question, language),
            confidence=1.0,
            explanation=explanation,
        )

    def _unknown_company(
        self, question: str, shown: list[str], language: Language, explanation: dict[str, Any]
    ) -> Reply:
        separator = text("list_separator", language)
        names = [self._display(s) for s in shown]
        lines = [
            text("unknown_company", language, company=separator.join(names))
            if names
            else text("unknown_company_generic", language)
        ]
        if self.companies:
            listed = separator.join(self.renderer.entity_name(c, language) for c in self.companies)
            lines.append(text("named_companies", language, companies=listed))
        return Reply(
            question=question,
            language=language,
            answered=False,
            kind=UNKNOWN_COMPANY,
            text="\n".join(lines),
            context=Conversation(None, question, language),
            explanation=explanation,
        )

    @staticmethod
    def _display(surface: str) -> str:
        return (
            surface if not surface.isascii() else " ".join(w.capitalize() for w in surface.split())
        )

    def _empty_text(self, language: Language) -> str:
        first = next(iter(self.kb.entries), None)
        if first is None:
            return text("empty", language)
        return text("empty_example", language, example=self.label(first, language))

    def _answer(
        self,
        question: str,
        entry_id: str,
        language: Language,
        confidence: float,
        asked: str | None,
        explanation: Mapping[str, Any],
    ) -> Reply:
        parts = self._answers.get((entry_id, language))
        if parts is None:
            parts = self._answers[(entry_id, language)] = self._answer_parts(entry_id, language)
        answer, sources, follow_ups = parts
        return Reply(
            question=question,
            language=language,
            answered=True,
            kind=ANSWER,
            text=answer,
            entries=(entry_id,),
            score=round(confidence * 100, 1),
            sources=sources,
            follow_ups=follow_ups,
            best_candidate=entry_id,
            context=Conversation(entry_id, asked or self.label(entry_id, language), language),
            confidence=confidence,
            explanation=dict(explanation),
        )

    def _answer_parts(
        self, entry_id: str, language: Language
    ) -> tuple[str, tuple[SourceRef, ...], tuple[Suggestion, ...]]:
        entry = self.kb.entries[entry_id]
        follow_ups = tuple(
            Suggestion(r, self.label(r, language)) for r in entry.related if r in self.kb.entries
        )[:MAX_FOLLOW_UPS]
        return (
            self.renderer.answer(entry, language),
            self.renderer.entry_sources(entry, language),
            follow_ups,
        )

    def _small_talk(
        self,
        question: str,
        entry_id: str,
        language: Language,
        confidence: float,
        explanation: Mapping[str, Any],
        context: Conversation | None = None,
    ) -> Reply:
        """The bot's own words, with a question of each topic to start from. The chat's
        subject stays what it was: "thanks!" and then "and the residents?" still follow up."""
        entry = self.kb.entries[entry_id]
        topics: dict[str, str] = {}
        for other in self.kb.entries.values():
            if not other.small_talk and other.topic and other.topic not in topics:
                topics[other.topic] = other.id
        return Reply(
            question=question,
            language=language,
            answered=False,
            kind=SMALL_TALK,
            text=localized(entry.answer, language, self.kb.default_language),
            entries=(entry_id,),
            score=round(confidence * 100, 1),
            follow_ups=tuple(
                Suggestion(e, self.label(e, language))
                for e in list(topics.values())[:MAX_FOLLOW_UPS]
            ),
            context=Conversation(
                context.last_entry if context else None,
                context.last_question if context else None,
                language,
            ),
            confidence=confidence,
            explanation=dict(explanation),
        )

    def _did_you_mean(
        self, question: str, match: Match, language: Language, explanation: dict[str, Any]
    ) -> Reply:
        suggestions = tuple(
            Suggestion(c.entry, self.label(c.entry, language))
            for c in match.candidates[:MAX_SUGGESTIONS]
            if not self.kb.entries[c.entry].small_talk  # "did you mean: hello?" helps nobody
        )
        bullet = text("bullet", language)
        lines = [text("did_you_mean", language)] + [bullet + s.question for s in suggestions]
        best = match.best
        return Reply(
            question=question,
            language=language,
            answered=False,
            kind=DID_YOU_MEAN,
            text="\n".join(lines),
            score=round(match.confidence * 100, 1),
            suggestions=suggestions,
            best_candidate=best.entry if best else None,
            context=Conversation(None, question, language),
            confidence=match.confidence,
            explanation=explanation,
        )

    # -- explanation -----------------------------------------------------------------

    def explain(self, match: Match) -> dict[str, Any]:
        """What ``ask --explain`` prints: every fact behind a decision, as plain data."""
        calibration = self.matcher.calibration
        return {
            "analysis": match.analysis.describe(),
            "candidates": [
                {
                    "entry": c.entry,
                    "score": c.score,
                    "nearest_phrasing": c.nearest,
                    "edit_similarity": c.similar,
                    "confidence": c.confidence,
                }
                for c in match.candidates
            ],
            "ruled_out": [
                {"entry": r.entry, "reason": r.reason, "why": r.detail} for r in match.ruled_out
            ],
            "features": dict(zip(FEATURES, match.features, strict=False)),
            "confidence": round(match.confidence, 4),
            "decision": match.decision,
            "widened": match.widened,
            "figured": match.figured,
            "thresholds": {"answer": ANSWER_CONFIDENCE, "suggest": SUGGEST_CONFIDENCE},
            "calibration": {
                "held_out_phrasings": calibration.held_out,
                "reached_own_entry": round(calibration.reached, 4),
                "negatives": calibration.negatives,
                "negatives_answered": round(calibration.answered_negatives, 4),
            },
        }
