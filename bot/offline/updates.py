"""Factories for Telegram ``Update`` JSON, shaped like what the Bot API really sends.

Every factory returns a plain dict (the wire format), ready for ``FakeTelegram.queue_update``.
Ids auto-increment per process, and message ids come from the same counter the fake server
uses for the bot's own messages, so a user's and the bot's message ids never collide.

Entity offsets and lengths are in UTF-16 code units, as Telegram counts them.
"""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_query_ids = itertools.count(1)
_lock = threading.Lock()

BOT_ID = 123456
BOT_USERNAME = "nrw_japan_bot"
BOT_TOKEN = f"{BOT_ID}:TEST-token_ABCdef1234567890ghijklmnopq"
DEFAULT_USER_ID = 1001
DEFAULT_GROUP_ID = -1001234567890


def next_update_id() -> int:
    with _lock:
        return next(_update_ids)


def next_message_id() -> int:
    with _lock:
        return next(_message_ids)


def next_query_id() -> str:
    with _lock:
        return f"q{next(_query_ids)}"


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (entity offsets are UTF-16 code units)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def bot_user(bot_id: int = BOT_ID, username: str = BOT_USERNAME) -> dict[str, Any]:
    return {"id": bot_id, "is_bot": True, "first_name": "NRW Japan Bot", "username": username}


def user(
    user_id: int = DEFAULT_USER_ID,
    *,
    language_code: str | None = "en",
    first_name: str = "Aiko",
    username: str | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        data["username"] = username
    if language_code:
        data["language_code"] = language_code
    return data


def private_chat(of_user: dict[str, Any]) -> dict[str, Any]:
    return {"id": of_user["id"], "type": "private", "first_name": of_user["first_name"]}


def group_chat(chat_id: int = DEFAULT_GROUP_ID, *, title: str = "Invest in NRW") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def message(
    text: str,
    *,
    sender: dict[str, Any] | None = None,
    chat: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    reply_to: dict[str, Any] | None = None,
    message_id: int | None = None,
) -> dict[str, Any]:
    """A message dict (not an Update): the building block of the factories below."""
    sender = sender or user()
    data: dict[str, Any] = {
        "message_id": message_id if message_id is not None else next_message_id(),
        "from": sender,
        "chat": chat or private_chat(sender),
        "date": int(time.time()),
        "text": text,
    }
    if entities:
        data["entities"] = entities
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    return data


def _update(**payload: Any) -> dict[str, Any]:
    return {"update_id": next_update_id(), **payload}


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entity a client adds when a text starts with ``/command``."""
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0] if text.strip() else text
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]


def private_message(
    text: str, *, sender: dict[str, Any] | None = None, language_code: str | None = "en"
) -> dict[str, Any]:
    """A text in a private chat; a leading ``/command`` gets its bot_command entity."""
    sender = sender or user(language_code=language_code)
    return _update(message=message(text, sender=sender, entities=command_entities(text)))


def command(
    name: str,
    args: str = "",
    *,
    sender: dict[str, Any] | None = None,
    chat: dict[str, Any] | None = None,
    bot_username: str | None = None,
) -> dict[str, Any]:
    """``/name args``; in groups clients write ``/name@bot`` (pass ``bot_username``)."""
    word = f"/{name.lstrip('/')}" + (f"@{bot_username}" if bot_username else "")
    text = f"{word} {args}".rstrip()
    return _update(message=message(text, sender=sender, chat=chat, entities=command_entities(text)))


def group_message(
    text: str, *, sender: dict[str, Any] | None = None, chat: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Group chatter that neither mentions the bot nor replies to it."""
    return _update(message=message(text, sender=sender, chat=chat or group_chat()))


def group_mention(
    text: str,
    *,
    bot_username: str = BOT_USERNAME,
    sender: dict[str, Any] | None = None,
    chat: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``@bot text`` in a group, with the mention entity a client adds."""
    mention = f"@{bot_username}"
    full = f"{mention} {text}"
    entities = [{"type": "mention", "offset": 0, "length": utf16_len(mention)}]
    return _update(
        message=message(full, sender=sender, chat=chat or group_chat(), entities=entities)
    )


def reply_to_bot(
    text: str,
    bot_message: dict[str, Any],
    *,
    sender: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A user's reply to one of the bot's messages (same chat as that message)."""
    return _update(
        message=message(
            text,
            sender=sender,
            chat=bot_message["chat"],
            reply_to=bot_message,
            entities=command_entities(text),
        )
    )


def edited_message(original: dict[str, Any], new_text: str) -> dict[str, Any]:
    """The same message (same id, chat and sender) edited to ``new_text``."""
    edited = dict(original, text=new_text, edit_date=int(time.time()))
    entities = command_entities(new_text)
    if entities:
        edited["entities"] = entities
    else:
        edited.pop("entities", None)
    return _update(edited_message=edited)


def callback_query(
    data: str, bot_message: dict[str, Any], *, sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A press on an inline button under ``bot_message`` carrying ``data``."""
    sender = sender or user()
    return _update(
        callback_query={
            "id": next_query_id(),
            "from": sender,
            "message": bot_message,
            "chat_instance": str(bot_message["chat"]["id"]),
            "data": data,
        }
    )


def inline_query(
    query: str, *, sender: dict[str, Any] | None = None, offset: str = ""
) -> dict[str, Any]:
    """``@bot query`` typed in any chat (inline mode)."""
    sender = sender or user()
    return _update(
        inline_query={
            "id": next_query_id(),
            "from": sender,
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }
    )


def message_of(update: dict[str, Any]) -> dict[str, Any]:
    """The message an update carries (message or edited_message)."""
    return update.get("message") or update["edited_message"]


# Questions of every language for bursts: answered from the shipped base, one "did you mean"
# or decline (the weather), so a burst takes each path a real crowd of users would.
SAMPLE_QUESTIONS = (
    ("en", "How many Japanese companies are in Düsseldorf?"),
    ("de", "Wie viele Japaner leben in NRW?"),
    ("ja", "デュッセルドルフには日本人が何人住んでいますか？"),
    ("en", "Which Japanese companies have invested in NRW?"),
    ("de", "Was wurde in Tokio vorgestellt?"),
    ("en", "What is the weather like in Düsseldorf?"),  # not on file: answered all the same
)


def question_burst(count: int, first_user: int = 10_000) -> list[dict[str, Any]]:
    """``count`` private questions (``SAMPLE_QUESTIONS`` in turn), each from a user (and chat)
    of its own, numbered from ``first_user``."""
    burst = []
    for index in range(count):
        language, text = SAMPLE_QUESTIONS[index % len(SAMPLE_QUESTIONS)]
        sender = user(first_user + index, language_code=language)
        burst.append(private_message(text, sender=sender))
    return burst
