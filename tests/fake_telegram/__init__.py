"""A fake Telegram Bot API server and Update factories: the network edge of our tests."""

from tests.fake_telegram.server import Call, FakeTelegram, Fault, UploadedFile

__all__ = ["Call", "FakeTelegram", "Fault", "UploadedFile"]
