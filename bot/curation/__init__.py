"""The curator's loop: unanswered questions become phrasings of the base, safely and undoably.

No Telegram here: the admin commands (``bot.telegram.admin``) and ``python -m bot curate``
(``bot.cli.curate``) are two faces of the same ``Curator`` (``bot.curation.curator``).
"""
