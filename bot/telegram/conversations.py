"""What each chat's next message may refer back to: its Conversation and its last sources.

Kept in memory only, per chat, for the most recently active ``capacity`` chats, and for
``idle_seconds`` after a chat's last answer; a chat that falls out simply starts afresh
("and in NRW?" then needs its full question).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock

from intents.reply import Conversation, Reply, SourceRef


@dataclass(frozen=True, slots=True)
class ChatMemory:
    conversation: Conversation = field(default_factory=Conversation)
    last_sources: tuple[SourceRef, ...] = ()  # what /source shows behind the last answer


_EMPTY = ChatMemory()
IDLE_SECONDS = 3600.0  # a follow-up an hour later is a new conversation


class Conversations:
    """A bounded LRU map chat id -> ChatMemory whose entries expire."""

    def __init__(
        self,
        capacity: int = 10_000,
        *,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._capacity = capacity
        self._idle = idle_seconds
        self._clock = clock
        # chat id -> (when last active, memory), least recently active first
        self._chats: OrderedDict[int, tuple[float, ChatMemory]] = OrderedDict()
        self._lock = Lock()

    def get(self, chat_id: int) -> ChatMemory:
        with self._lock:
            now = self._clock()
            self._expire(now)
            entry = self._chats.get(chat_id)
            if entry is None:
                return _EMPTY
            self._chats[chat_id] = (now, entry[1])  # reading is activity too
            self._chats.move_to_end(chat_id)
            return entry[1]

    def remember(self, chat_id: int, reply: Reply) -> None:
        """Keep the context after ``reply``; its sources only if it answered."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            previous = self._chats.get(chat_id, (now, _EMPTY))[1]
            sources = reply.sources if reply.answered and reply.sources else previous.last_sources
            self._chats[chat_id] = (now, ChatMemory(reply.context, sources))
            self._chats.move_to_end(chat_id)
            while len(self._chats) > self._capacity:
                self._chats.popitem(last=False)

    def _expire(self, now: float) -> None:
        chats = self._chats
        while chats and now - next(iter(chats.values()))[0] >= self._idle:
            chats.popitem(last=False)

    def __len__(self) -> int:
        return len(self._chats)
