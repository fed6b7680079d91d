"""One answer reads the document registry once (kb.registry.Registry.snapshot), on a real store."""

from __future__ import annotations

import contextlib
import threading
from collections import Counter

import pytest

from factories import build_knowledge_base

ARTICLE = """Lokakarya GCM di Makassar

IOM bersama Kementerian Luar Negeri mengadakan lokakarya tentang Global Compact for Migration di Makassar pada 12 Juni.
"""

GUIDE = """# Seafarer guide

Every seafarer signs a sea employment agreement before boarding, and the harbour master approves it.
"""


@pytest.fixture
def knowledge_base(tmp_path):
    return build_knowledge_base(tmp_path, {"lokakarya.txt": ARTICLE})


def count_registry_reads(monkeypatch) -> Counter:
    """Counts the registry's reads of its collection, by kind: the records, the committed state."""
    from kb.registry import Registry

    reads: Counter = Counter()
    for name in ("_all_records", "_committed_state"):
        original = getattr(Registry, name)

        def counted(self, _original=original, _name=name):
            reads[_name] += 1
            return _original(self)

        monkeypatch.setattr(Registry, name, counted)
    return reads


def test_an_answer_reads_the_records_and_the_committed_state_once_each(knowledge_base, monkeypatch):
    from kb.registry import Registry

    question = "Kapan lokakarya GCM di Makassar diadakan?"
    knowledge_base.ask(question)  # the model and the lexical index are loaded before counting
    reads = count_registry_reads(monkeypatch)
    answer = knowledge_base.ask(question)
    assert answer.answered and "12 Juni" in answer.answer, answer.answer
    assert reads == {"_all_records": 1, "_committed_state": 1}
    reads.clear()
    monkeypatch.setattr(Registry, "snapshot", lambda self: contextlib.nullcontext())
    knowledge_base.ask(question)
    assert reads["_committed_state"] > 1, "precondition: without the snapshot the state is read again"


def test_a_snapshot_holds_until_it_ends_for_its_own_thread_only(knowledge_base, tmp_path):
    from ingest.pipeline import Ingestor

    registry = knowledge_base.store.registry
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE, encoding="utf-8")
    seen_elsewhere = []

    def ingest_and_look() -> None:
        Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest([str(guide)])
        seen_elsewhere.append(registry.committed_state())

    with registry.snapshot():
        before = registry.committed_state()
        assert len(registry.all()) == 1
        other = threading.Thread(target=ingest_and_look)
        other.start()
        other.join()
        assert registry.committed_state() == before and len(registry.all()) == 1
    assert len(seen_elsewhere[0].versions) == 2, "another thread reads afresh"
    assert registry.committed_state() == seen_elsewhere[0] and len(registry.all()) == 2


def test_a_write_within_a_snapshot_is_seen_at_once(knowledge_base):
    registry = knowledge_base.store.registry
    with registry.snapshot():
        (record,) = registry.all()
        registry.delete([record.doc_id])
        assert registry.all() == [] and registry.committed_state().versions == []
