"""What curators learn from the question log (``bot.stores.question_log``).

``statistics`` (questions per day, per language, per entry), ``grouping`` (similar
unanswered questions as one line), ``chart`` (the /stats image), ``spreadsheet`` (the
/unanswered CSV), and ``questions.QuestionInsights``, which puts them together over one log.
"""
