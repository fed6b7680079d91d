"""The embedder's memory of recent single queries."""

from __future__ import annotations

import numpy as np


def test_a_repeated_query_is_embedded_once_and_alike(knowledge_base):
    embeddings = knowledge_base.embeddings
    first = embeddings.embed_queries(["Sejak kapan IOM hadir di Indonesia?"])
    again = embeddings.embed_queries(["Sejak kapan IOM hadir di Indonesia?"])
    assert again is first and not first.flags.writeable  # the remembered vector, safe from callers
    fresh = embeddings.encode_queries(["Sejak kapan IOM hadir di Indonesia?"])
    np.testing.assert_allclose(first, fresh, atol=1e-6)
    batch = embeddings.embed_queries(["Sejak kapan IOM hadir di Indonesia?", "What is the GCM?"])
    np.testing.assert_allclose(batch[:1], first, atol=1e-6)


def test_the_memory_is_bounded(knowledge_base, monkeypatch):
    monkeypatch.setattr("kb.embeddings.QUERY_CACHE_SIZE", 3)  # the default 256, made small to keep the test quick
    embeddings = knowledge_base.embeddings
    for number in range(5):
        embeddings.embed_queries([f"q{number}"])
    assert list(embeddings._query_cache) == ["q2", "q3", "q4"]
