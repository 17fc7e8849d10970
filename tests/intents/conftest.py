"""Shared, read-only fixtures: the shipped base and a responder over it (built once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.responder import Responder
from knowledge import KnowledgeBase
from knowledge.loader import load_knowledge
from knowledge.paths import SHIPPED_KNOWLEDGE_DIR
from tests.intents.small_base import write_region_base, write_small_base


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    return load_knowledge(SHIPPED_KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def responder(shipped_kb: KnowledgeBase) -> Responder:
    return Responder(shipped_kb)


@pytest.fixture(scope="session")
def small_base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_base(tmp_path_factory.mktemp("small-base"))


@pytest.fixture(scope="session")
def small_responder(small_base_dir: Path) -> Responder:
    return Responder(load_knowledge(small_base_dir))


@pytest.fixture(scope="session")
def region_responder(tmp_path_factory: pytest.TempPathFactory) -> Responder:
    return Responder(load_knowledge(write_region_base(tmp_path_factory.mktemp("region-base"))))
