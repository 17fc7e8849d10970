"""The curated knowledge base: data files plus the code that loads and validates them.

Pure and synchronous; knows nothing of questions, Telegram or the command line.
"""

from knowledge.model import (
    Entity,
    Entry,
    Evidence,
    Fact,
    KnowledgeBase,
    KnowledgeError,
    Language,
    Localized,
    Origin,
    Problem,
    Quote,
    Source,
)

__all__ = [
    "Entity",
    "Entry",
    "Evidence",
    "Fact",
    "KnowledgeBase",
    "KnowledgeError",
    "Language",
    "Localized",
    "Origin",
    "Problem",
    "Quote",
    "Source",
]
