"""Question understanding: pure, synchronous, Telegram-free. Question in, ``Reply`` out."""
