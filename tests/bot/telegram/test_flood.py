"""The per-user flood guard: N questions in any minute, told once, memory bounded."""

from __future__ import annotations

from bot.telegram.flood import FloodGuard, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_within_the_limit_is_always_answered() -> None:
    clock = Clock()
    guard = FloodGuard(limit_per_minute=3, clock=clock)
    for _ in range(10):
        assert guard.check(1) is Verdict.ALLOW
        clock.now += 20.0  # 3 a minute, never more


def test_over_the_limit_the_user_is_told_once_then_ignored() -> None:
    guard = FloodGuard(limit_per_minute=3, clock=Clock())
    verdicts = [guard.check(1) for _ in range(6)]
    assert (
        verdicts
        == [Verdict.ALLOW] * 3 + [Verdict.REFUSE_AND_NOTIFY] + [Verdict.REFUSE_SILENTLY] * 2
    )


def test_the_window_slides() -> None:
    clock = Clock()
    guard = FloodGuard(limit_per_minute=2, clock=clock)
    assert guard.check(1) is Verdict.ALLOW
    clock.now += 30
    assert guard.check(1) is Verdict.ALLOW
    assert guard.check(1) is Verdict.REFUSE_AND_NOTIFY
    clock.now += 30  # the first question is now a minute old
    assert guard.check(1) is Verdict.ALLOW
    assert guard.check(1) is Verdict.REFUSE_AND_NOTIFY  # told again: a new flood


def test_users_are_counted_separately() -> None:
    guard = FloodGuard(limit_per_minute=1, clock=Clock())
    assert guard.check(1) is Verdict.ALLOW
    assert guard.check(2) is Verdict.ALLOW
    assert guard.check(1) is Verdict.REFUSE_AND_NOTIFY


def test_memory_is_bounded_by_the_number_of_users_tracked() -> None:
    guard = FloodGuard(limit_per_minute=5, max_users=100, clock=Clock())
    for user in range(10_000):
        guard.check(user)
    assert len(guard) == 100


def test_a_limit_of_zero_turns_the_guard_off() -> None:
    guard = FloodGuard(limit_per_minute=0, clock=Clock())
    assert all(guard.check(1) is Verdict.ALLOW for _ in range(1000))
    assert len(guard) == 0
