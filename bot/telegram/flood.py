"""A per-user flood guard: at most N actions in any 60-second window.

Telegram's own limits protect Telegram; this protects the bot (and every other user's
latency) from one user pasting questions, commands, button presses or inline queries in a
loop. When the limit is hit the user is told once per window, then ignored until the window
frees up, so a flood never turns into a flood of notices.

Memory is bounded twice over: a user silent for a whole window is forgotten (nothing about
them is needed any more), and at most ``max_users`` users are tracked at all (least recently
active dropped first), each with at most N timestamps.
"""

from __future__ import annotations

import enum
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock

WINDOW_SECONDS = 60.0


class Verdict(enum.Enum):
    ALLOW = "allow"
    REFUSE_AND_NOTIFY = "refuse_and_notify"  # first refusal in this window: say so politely
    REFUSE_SILENTLY = "refuse_silently"  # already told: stay quiet


@dataclass
class _UserWindow:
    times: deque[float]
    notified: bool = False


@dataclass
class FloodGuard:
    """``check(user_id)`` before answering a question; a limit of 0 disables the guard."""

    limit_per_minute: int
    max_users: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _users: OrderedDict[int, _UserWindow] = field(default_factory=OrderedDict, repr=False)
    _lock: Lock = field(default_factory=Lock, repr=False)

    def check(self, user_id: int) -> Verdict:
        if self.limit_per_minute <= 0:
            return Verdict.ALLOW
        now = self.clock()
        with self._lock:
            self._forget_silent(now)
            window = self._users.get(user_id)
            if window is None:
                window = _UserWindow(deque(maxlen=self.limit_per_minute))
                self._users[user_id] = window
                while len(self._users) > self.max_users:
                    self._users.popitem(last=False)
            else:
                self._users.move_to_end(user_id)
            while window.times and now - window.times[0] >= WINDOW_SECONDS:
                window.times.popleft()
            if len(window.times) < self.limit_per_minute:
                window.times.append(now)
                window.notified = False
                return Verdict.ALLOW
            if window.notified:
                return Verdict.REFUSE_SILENTLY
            window.notified = True
            return Verdict.REFUSE_AND_NOTIFY

    def _forget_silent(self, now: float) -> None:
        """Drop users whose last action is a window ago (the least recent come first)."""
        users = self._users
        while users:
            oldest = next(iter(users.values()))
            if oldest.times and now - oldest.times[-1] < WINDOW_SECONDS:
                return
            users.popitem(last=False)

    def __len__(self) -> int:
        return len(self._users)
