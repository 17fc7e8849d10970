"""The network edge of our tests: the offline Bot API server (``bot.offline``) and a harness.

The server, its update factories and its process runner live in ``bot.offline`` (the console
and the benchmarks use them too); ``harness`` runs the real Application against them and lets
a test talk like a user. The names tests use are re-exported here.
"""

from bot.offline import updates
from bot.offline.server import Call, FakeTelegram, Fault, UploadedFile

__all__ = ["Call", "FakeTelegram", "Fault", "UploadedFile", "updates"]
