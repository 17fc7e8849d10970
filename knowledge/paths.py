"""Where the shipped knowledge base lives, and how a caller's choice overrides it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# The base that ships with the project, next to this module.
SHIPPED_KNOWLEDGE_DIR = Path(__file__).resolve().parent / "base"


def default_knowledge_dir(environ: Mapping[str, str] | None = None) -> Path:
    """KNOWLEDGE_DIR when set, else the shipped base."""
    env = os.environ if environ is None else environ
    configured = env.get("KNOWLEDGE_DIR", "").strip()
    return Path(configured) if configured else SHIPPED_KNOWLEDGE_DIR
