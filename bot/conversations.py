"""What each chat's next message may refer back to: its Conversation and its last sources.

Kept in memory only, per chat, for the most recently active ``capacity`` chats; a chat
that falls out simply starts afresh ("and in NRW?" then needs its full question).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from intents.reply import Conversation, Reply, SourceRef


@dataclass(frozen=True, slots=True)
class ChatMemory:
    conversation: Conversation = field(default_factory=Conversation)
    last_sources: tuple[SourceRef, ...] = ()  # what /source shows behind the last answer


_EMPTY = ChatMemory()


class Conversations:
    """A bounded LRU map chat id -> ChatMemory."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._chats: OrderedDict[int, ChatMemory] = OrderedDict()
        self._lock = Lock()

    def get(self, chat_id: int) -> ChatMemory:
        with self._lock:
            memory = self._chats.get(chat_id)
            if memory is None:
                return _EMPTY
            self._chats.move_to_end(chat_id)
            return memory

    def remember(self, chat_id: int, reply: Reply) -> None:
        """Keep the context after ``reply``; its sources only if it answered."""
        with self._lock:
            previous = self._chats.get(chat_id, _EMPTY)
            sources = reply.sources if reply.answered and reply.sources else previous.last_sources
            self._chats[chat_id] = ChatMemory(reply.context, sources)
            self._chats.move_to_end(chat_id)
            while len(self._chats) > self._capacity:
                self._chats.popitem(last=False)

    def __len__(self) -> int:
        return len(self._chats)
