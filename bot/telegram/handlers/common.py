"""What every handler needs: the user's language, and sending rendered messages to a chat."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    MaybeInaccessibleMessage,
    Message,
    ReplyParameters,
    User,
)
from telegram.constants import ChatType, ParseMode

from bot.stores.preferences import Preferences
from bot.telegram.render import Keyboard, OutgoingMessage
from intents.texts import ui_language

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@functools.lru_cache(maxsize=512)
def keyboard_markup(keyboard: Keyboard) -> InlineKeyboardMarkup | None:
    """The Telegram markup of ``keyboard``; built once per keyboard (Telegram objects are
    immutable, so one can go out with any number of messages)."""
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in keyboard]
    )


def telegram_language(user: User | None) -> str | None:
    """The primary subtag of the client's language ("de-AT" -> "de"), if it sent one."""
    code = (user.language_code or "") if user else ""
    return code.split("-")[0].split("_")[0].lower() or None


class Languages:
    """Which language to use for a user: their /language choice, else their client's."""

    def __init__(self, preferences: Preferences) -> None:
        self._preferences = preferences

    def chosen(self, user: User | None) -> str | None:
        return self._preferences.language_of(user.id) if user else None

    def hint(self, user: User | None) -> str | None:
        """The language hint for the reply function."""
        return self.chosen(user) or telegram_language(user)

    def ui(self, user: User | None) -> str:
        """The language of the bot's own texts for this user."""
        return ui_language(self.hint(user))


@dataclass(frozen=True, slots=True)
class Target:
    """Where replies go: a chat, its forum thread, and the message to quote (groups only)."""

    chat_id: int
    thread_id: int | None = None
    quote_message_id: int | None = None

    @classmethod
    def of_message(cls, message: MaybeInaccessibleMessage, *, quote: bool | None = None) -> Target:
        """Reply into ``message``'s chat; quote it in groups (or when ``quote`` says so)."""
        thread = None
        if isinstance(message, Message) and message.is_topic_message:
            thread = message.message_thread_id
        in_group = message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)
        should_quote = in_group if quote is None else quote
        return cls(message.chat.id, thread, message.message_id if should_quote else None)


async def send(bot: Bot, target: Target, messages: Sequence[OutgoingMessage]) -> list[Message]:
    """Send ``messages`` in order; only the first quotes the message it answers."""
    sent = []
    for index, outgoing in enumerate(messages):
        quote = target.quote_message_id if index == 0 else None
        sent.append(
            await bot.send_message(
                chat_id=target.chat_id,
                text=outgoing.html,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard_markup(outgoing.keyboard),
                message_thread_id=target.thread_id,
                reply_parameters=(
                    ReplyParameters(message_id=quote, allow_sending_without_reply=True)
                    if quote
                    else None
                ),
                link_preview_options=NO_PREVIEW,
            )
        )
    return sent
