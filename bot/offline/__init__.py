"""The offline Bot API: Telegram's methods answered on this machine, with no token or network.

``bot_api`` holds the methods and their state (chats, messages, menus, files, updates);
``request`` answers python-telegram-bot from it in-process (the console, the memory bench);
``server`` serves it over HTTP on 127.0.0.1 with call recording and fault injection (the
tests, and the benchmarks that measure the HTTP path), ``process`` runs that server as a
process of its own (``python -m bot.offline``); ``updates`` builds the updates Telegram
would send, and ``wire`` decodes request bodies as Telegram does.
"""
