"""The faces of the product: command line, Telegram application, console chat.

The only package that knows Telegram or the command line; it calls ``intents`` for every
answer and ``knowledge`` to load bases.
"""
