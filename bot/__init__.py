"""The faces of the product: command line, Telegram application, console chat.

The only package that knows Telegram or the command line; it calls ``intents`` for every
answer and ``knowledge`` to load bases.
"""

import os

# python-telegram-bot 22 warns each time it gives a time period (a 429's retry_after) in
# seconds, the type its next major version drops. The bot reads no time period itself, so
# it takes the coming type (timedelta) now; an operator's own setting stays.
os.environ.setdefault("PTB_TIMEDELTA", "1")
