"""Shared fixtures: an empty knowledge base in a temporary folder, the shared corpus when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kb.api import KnowledgeBase
from kb.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
SAMPLE_DOCUMENTS = PROJECT_ROOT / "sample" / "documents"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No test reads the developer's own KB_* variables or kb.toml, or touches the network."""
    for name in list(os.environ):
        if name.startswith("KB_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KB_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture
def kb_home(tmp_path) -> Path:
    return tmp_path / "kb-home"


@pytest.fixture
def settings(kb_home) -> Settings:
    return Settings(home=kb_home, embed_batch_size=16)


@pytest.fixture
def knowledge_base(settings) -> KnowledgeBase:
    return KnowledgeBase(settings)


@pytest.fixture
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"the shared corpus is not beside the project ({corpus} is absent)")
    return corpus
