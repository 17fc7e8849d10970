"""What the bot itself says (greeting, help, headers, notices), in English, German and Japanese.

Answers come from the knowledge base; only the frame around them lives here. Every
string is plain text with ``{name}`` fields: the renderer escapes it like any other
dynamic text. A language without a translation falls back to English.
"""

from __future__ import annotations

from collections.abc import Mapping

FALLBACK = "en"
UI_LANGUAGES = ("en", "de", "ja")

# Each language's name written in that language: labels of the /language buttons.
NATIVE_NAMES: Mapping[str, str] = {"en": "English", "de": "Deutsch", "ja": "日本語"}

# Language names as written in each UI language ("translated from German").
LANGUAGE_NAMES: Mapping[str, Mapping[str, str]] = {
    "en": {"en": "English", "de": "German", "ja": "Japanese"},
    "de": {"en": "Englisch", "de": "Deutsch", "ja": "Japanisch"},
    "ja": {"en": "英語", "de": "ドイツ語", "ja": "日本語"},
}

# Topic labels for the topics of the shipped base; other topics are shown as written.
TOPIC_NAMES: Mapping[str, Mapping[str, str]] = {
    "en": {
        "figures": "Figures",
        "event": "The seminar in Tokyo",
        "companies": "Companies",
        "people": "People and quotes",
        "location": "Düsseldorf and NRW as a location",
        "organisations": "Organisations",
    },
    "de": {
        "figures": "Zahlen",
        "event": "Das Seminar in Tokyo",
        "companies": "Unternehmen",
        "people": "Personen und Zitate",
        "location": "Standort Düsseldorf und NRW",
        "organisations": "Organisationen",
    },
    "ja": {
        "figures": "数字",
        "event": "東京でのセミナー",
        "companies": "企業",
        "people": "人物と発言",
        "location": "拠点としてのデュッセルドルフとNRW州",
        "organisations": "組織",
    },
}

# Command menu entries (setMyCommands): name -> description per language.
COMMAND_DESCRIPTIONS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "start": "Welcome and example questions",
        "help": "How to ask and what I can do",
        "topics": "What I can answer",
        "facts": "Key figures",
        "quotes": "The quotes and who said them",
        "companies": "Companies named in the source",
        "source": "The source and the excerpt behind my last answer",
        "language": "Choose the reply language",
    },
    "de": {
        "start": "Begrüßung und Beispielfragen",
        "help": "Wie Sie fragen und was ich kann",
        "topics": "Worauf ich antworten kann",
        "facts": "Die wichtigsten Zahlen",
        "quotes": "Die Zitate und wer sie sagte",
        "companies": "In der Quelle genannte Unternehmen",
        "source": "Die Quelle und der Auszug hinter meiner letzten Antwort",
        "language": "Antwortsprache wählen",
    },
    "ja": {
        "start": "ごあいさつと質問の例",
        "help": "質問のしかたとできること",
        "topics": "お答えできるテーマ",
        "facts": "主な数字",
        "quotes": "発言とその発言者",
        "companies": "情報源に記載の企業",
        "source": "情報源と直前の回答の根拠となる抜粋",
        "language": "回答の言語を選ぶ",
    },
}

_TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "inline_ask_directly": "Nothing on file answers this: ask the bot directly",
        "start": (
            "Welcome! I answer questions about “{title}”, strictly from the source on file, "
            "and I tell you when something is not in it.\n\n"
            "Ask in English, German or Japanese, or tap one of these questions:"
        ),
        "help": (
            "Just write your question in your own words. "
            "Every answer names its source; tap “Show source excerpt” to read the original "
            "wording.\n\n"
            "/topics – what I can answer\n"
            "/facts – key figures\n"
            "/quotes – the quotes and who said them\n"
            "/companies – the companies the source names\n"
            "/source – the source, and the excerpt behind my last answer\n"
            "/language – choose the reply language\n\n"
            "In a group, mention me (@{username}) or reply to one of my messages. "
            "In any chat, type @{username} and your question to share an answer."
        ),
        "topics": "This is what I can answer. Pick a topic:",
        "topic_questions": "Questions on “{topic}”:",
        "topic_other": "Other questions",
        "facts": "Key figures from the source:",
        "facts_none": "The source on file holds no figures.",
        "quotes": "Quotes from the source:",
        "quotes_none": "The source on file holds no quotes.",
        "attribution": "— {name}, {role}",
        "attribution_translated": "— {name}, {role} (translated from {language})",
        "companies": "Companies the source names:",
        "companies_none": "The source on file names no companies.",
        "source_published": "Published: {date}, {place}",
        "source_publishers": "By: {publishers}",
        "source_language": "Language: {language}",
        "source_last_excerpt": "Excerpt behind my last answer:",
        "source_no_last": "Ask me a question, and /source will also show the excerpt my "
        "answer rests on.",
        "source_line": "Source: {citations}",
        "as_of": " (as of {date})",
        "show_excerpt": "📄 Show source excerpt",
        "excerpt_title": "From the source ({language} original):",
        "no_excerpt": "This answer rests on no excerpt of the source.",
        "language_prompt": "Choose the language of my replies:",
        "language_auto": "Automatic",
        "language_set": "From now on I reply in English.",
        "language_auto_set": "From now on I reply in the language of your question.",
        "flood": "You are asking faster than I can keep up. Please wait a minute, then ask again.",
        "error": "Sorry, something went wrong on my side. Please try again.",
        "unknown_button": "This button is no longer valid. Please ask your question again.",
        "empty_question": "Please write your question as text.",
    },
    "de": {
        "inline_ask_directly": "Dazu liegt nichts vor: Fragen Sie den Bot direkt",
        "start": (
            "Willkommen! Ich beantworte Fragen zu „{title}“ – ausschließlich aus der "
            "hinterlegten Quelle, und ich sage es, wenn etwas nicht darin steht.\n\n"
            "Fragen Sie auf Deutsch, Englisch oder Japanisch, oder tippen Sie auf eine dieser "
            "Fragen:"
        ),
        "help": (
            "Schreiben Sie einfach Ihre Frage in eigenen Worten. "
            "Jede Antwort nennt ihre Quelle; „Quellenauszug zeigen“ zeigt den "
            "Originalwortlaut.\n\n"
            "/topics – worauf ich antworten kann\n"
            "/facts – die wichtigsten Zahlen\n"
            "/quotes – die Zitate und wer sie sagte\n"
            "/companies – die in der Quelle genannten Unternehmen\n"
            "/source – die Quelle und der Auszug hinter meiner letzten Antwort\n"
            "/language – Antwortsprache wählen\n\n"
            "In einer Gruppe erwähnen Sie mich (@{username}) oder antworten auf eine meiner "
            "Nachrichten. In jedem Chat teilen Sie eine Antwort mit @{username} und Ihrer Frage."
        ),
        "topics": "Darauf kann ich antworten. Wählen Sie ein Thema:",
        "topic_questions": "Fragen zum Thema „{topic}“:",
        "topic_other": "Weitere Fragen",
        "facts": "Die wichtigsten Zahlen aus der Quelle:",
        "facts_none": "Die hinterlegte Quelle enthält keine Zahlen.",
        "quotes": "Zitate aus der Quelle:",
        "quotes_none": "Die hinterlegte Quelle enthält keine Zitate.",
        "attribution": "— {name}, {role}",
        "attribution_translated": "— {name}, {role} (Übersetzung, Original: {language})",
        "companies": "In der Quelle genannte Unternehmen:",
        "companies_none": "Die hinterlegte Quelle nennt keine Unternehmen.",
        "source_published": "Veröffentlicht: {date}, {place}",
        "source_publishers": "Herausgeber: {publishers}",
        "source_language": "Sprache: {language}",
        "source_last_excerpt": "Auszug hinter meiner letzten Antwort:",
        "source_no_last": "Stellen Sie mir eine Frage, dann zeigt /source auch den Auszug, "
        "auf dem meine Antwort beruht.",
        "source_line": "Quelle: {citations}",
        "as_of": " (Stand: {date})",
        "show_excerpt": "📄 Quellenauszug zeigen",
        "excerpt_title": "Aus der Quelle (Original auf {language}):",
        "no_excerpt": "Diese Antwort beruht auf keinem Auszug der Quelle.",
        "language_prompt": "Wählen Sie die Sprache meiner Antworten:",
        "language_auto": "Automatisch",
        "language_set": "Ab jetzt antworte ich auf Deutsch.",
        "language_auto_set": "Ab jetzt antworte ich in der Sprache Ihrer Frage.",
        "flood": "Sie fragen schneller, als ich lesen kann. Bitte warten Sie eine Minute und "
        "fragen Sie dann erneut.",
        "error": "Entschuldigung, bei mir ist etwas schiefgegangen. Bitte versuchen Sie es "
        "noch einmal.",
        "unknown_button": "Diese Schaltfläche ist nicht mehr gültig. Bitte stellen Sie Ihre "
        "Frage erneut.",
        "empty_question": "Bitte schreiben Sie Ihre Frage als Text.",
    },
    "ja": {
        "inline_ask_directly": "該当する情報がありません。ボットに直接ご質問ください",
        "start": (
            "ようこそ！「{title}」についてのご質問に、登録された情報源だけに基づいてお答えします。"
            "情報源にないことは、ないとお伝えします。\n\n"
            "日本語・英語・ドイツ語でご質問いただくか、次の質問をタップしてください。"
        ),
        "help": (
            "ご質問をそのまま書いてください。"
            "どの回答にも情報源を示します。「情報源の抜粋を表示」で原文を確認できます。\n\n"
            "/topics – お答えできるテーマ\n"
            "/facts – 主な数字\n"
            "/quotes – 発言とその発言者\n"
            "/companies – 情報源に記載の企業\n"
            "/source – 情報源と直前の回答の根拠となる抜粋\n"
            "/language – 回答の言語を選ぶ\n\n"
            "グループでは、@{username} とメンションするか、私のメッセージに返信してください。"
            "どのチャットでも @{username} に続けて質問を入力すると、回答を共有できます。"
        ),
        "topics": "お答えできる内容です。テーマを選んでください。",
        "topic_questions": "「{topic}」に関する質問：",
        "topic_other": "その他の質問",
        "facts": "情報源の主な数字：",
        "facts_none": "登録された情報源には数字がありません。",
        "quotes": "情報源にある発言：",
        "quotes_none": "登録された情報源には発言がありません。",
        "attribution": "— {name}（{role}）",
        "attribution_translated": "— {name}（{role}）※{language}からの翻訳",
        "companies": "情報源に記載されている企業：",
        "companies_none": "登録された情報源には企業名がありません。",
        "source_published": "発表：{date}、{place}",
        "source_publishers": "発行：{publishers}",
        "source_language": "言語：{language}",
        "source_last_excerpt": "直前の回答の根拠となる抜粋：",
        "source_no_last": "ご質問いただくと、/source で回答の根拠となる抜粋も表示します。",
        "source_line": "出典：{citations}",
        "as_of": "（{date}時点）",
        "show_excerpt": "📄 情報源の抜粋を表示",
        "excerpt_title": "情報源より（{language}の原文）：",
        "no_excerpt": "この回答には情報源の抜粋がありません。",
        "language_prompt": "回答の言語を選んでください。",
        "language_auto": "自動",
        "language_set": "これからは日本語でお答えします。",
        "language_auto_set": "これからはご質問の言語でお答えします。",
        "flood": "ご質問のペースが速すぎます。"
        "1分ほどお待ちいただいてから、もう一度お尋ねください。",
        "error": "申し訳ありません、こちらで問題が発生しました。もう一度お試しください。",
        "unknown_button": "このボタンは無効になりました。もう一度ご質問ください。",
        "empty_question": "ご質問を文字で入力してください。",
    },
}

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
}  # fmt: skip


def ui_language(language: str | None) -> str:
    """The UI language to use for ``language``: itself when translated, else English."""
    return language if language is not None and language in _TEXTS else FALLBACK


def text(key: str, language: str | None, /, **fields: object) -> str:
    """The string ``key`` in ``language`` (English when missing), with ``fields`` filled in."""
    template = _TEXTS[ui_language(language)].get(key) or _TEXTS[FALLBACK][key]
    return template.format(**fields) if fields else template


def language_name(code: str, language: str | None) -> str:
    """The name of language ``code`` written in ``language`` ("de" in English: "German")."""
    names = LANGUAGE_NAMES[ui_language(language)]
    return names.get(code) or NATIVE_NAMES.get(code) or code


def topic_name(topic: str, language: str | None) -> str:
    return TOPIC_NAMES[ui_language(language)].get(topic) or topic


def format_date(iso: str, language: str | None) -> str:
    """ "2017-09-13" as 13 Sep 2017 / 13. September 2017 / 2017年9月13日; "2017-09" likewise."""
    parts = iso.split("T")[0].split("-")
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        return iso
    lang = ui_language(language)
    if len(numbers) == 1:
        return f"{numbers[0]}年" if lang == "ja" else str(numbers[0])
    year, month = numbers[0], numbers[1]
    if not 1 <= month <= 12:
        return iso
    day = numbers[2] if len(numbers) > 2 else None
    if lang == "ja":
        return f"{year}年{month}月{day}日" if day else f"{year}年{month}月"
    name = _MONTHS[lang][month - 1]
    if lang == "de":
        return f"{day}. {name} {year}" if day else f"{name} {year}"
    return f"{day} {name} {year}" if day else f"{name} {year}"
