"""The bot's own fixed sentences, per language; English stands in for any other language.

Everything the bot says that is not an answer on file comes from here, so a translator
finds it in one place.
"""

from __future__ import annotations

from knowledge import Language

FALLBACK_LANGUAGE = "en"

_TEXTS: dict[str, dict[str, str]] = {
    "not_on_file": {
        "en": "I have nothing on file that answers this, so I cannot say.",
        "de": "Dazu habe ich nichts in meinen Unterlagen, daher kann ich das nicht beantworten.",
        "ja": "その点についての情報は手元にないため、お答えできません。",
    },
    "did_you_mean": {
        "en": "I am not sure I understood. Did you mean:",
        "de": "Ich bin nicht sicher, ob ich Sie richtig verstehe. Meinten Sie:",
        "ja": "ご質問の意図がはっきりしません。次のご質問でしょうか：",
    },
    "empty": {
        "en": "Please ask a question.",
        "de": "Bitte stellen Sie eine Frage.",
        "ja": "ご質問をどうぞ。",
    },
    "empty_example": {
        "en": "Please ask a question, for example: {example}",
        "de": "Bitte stellen Sie eine Frage, zum Beispiel: {example}",
        "ja": "ご質問をどうぞ。例：{example}",
    },
    "unknown_company": {
        "en": "The release does not name {company}, so I have nothing on file about it.",
        "de": "Die Pressemitteilung nennt {company} nicht, daher habe ich dazu nichts.",
        "ja": "プレスリリースには{company}の名前がないため、情報がありません。",
    },
    "unknown_company_generic": {
        "en": "The release does not name that company, so I have nothing on file about it.",
        "de": "Die Pressemitteilung nennt dieses Unternehmen nicht, daher habe ich dazu nichts.",
        "ja": "プレスリリースにはその企業の名前がないため、情報がありません。",
    },
    "named_companies": {
        "en": "The companies the release names are: {companies}.",
        "de": "Die Pressemitteilung nennt diese Unternehmen: {companies}.",
        "ja": "プレスリリースに名前が挙がっている企業：{companies}。",
    },
    "as_of": {
        "en": "As of {date}.",
        "de": "Stand: {date}.",
        "ja": "{date}時点の情報です。",
    },
    "translated_from": {
        "en": "(translated from {source_language})",
        "de": "(übersetzt aus dem {source_language})",
        "ja": "（{source_language}からの翻訳）",
    },
    "list_separator": {"en": ", ", "de": ", ", "ja": "、"},
    "bullet": {"en": "• ", "de": "• ", "ja": "・"},
}

# Language names as they appear inside the reply language ("translated from German").
_LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"de": "German", "en": "English", "ja": "Japanese"},
    "de": {"de": "Deutschen", "en": "Englischen", "ja": "Japanischen"},
    "ja": {"de": "ドイツ語", "en": "英語", "ja": "日本語"},
}

MONTHS: dict[str, tuple[str, ...]] = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "de": (
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ),
}


def text(key: str, language: Language, **values: str) -> str:
    by_language = _TEXTS[key]
    template = by_language.get(language, by_language[FALLBACK_LANGUAGE])
    return template.format(**values) if values else template


def language_name(language: Language, in_language: Language) -> str:
    names = _LANGUAGE_NAMES.get(in_language, _LANGUAGE_NAMES[FALLBACK_LANGUAGE])
    return names.get(language, language)
