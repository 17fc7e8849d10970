"""The question log at a fixed time (``tests/bot/logged_questions.py``)."""

from tests.bot.logged_questions import clock, qlog

__all__ = ["clock", "qlog"]
