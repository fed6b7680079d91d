"""Re-embedding every stored chunk with the configured embedder.

Needed when the embedding model changes: vectors of two models cannot be mixed. The new
vectors go into a fresh collection that replaces the old one only when complete, so an
interrupted reindex leaves the knowledge base as it was (and the next reindex starts over).
"""

from __future__ import annotations

from typing import Callable

from kb.embeddings import KBEmbeddings
from kb.store import KnowledgeStore


def reindex(
    store: KnowledgeStore,
    embeddings: KBEmbeddings,
    *,
    batch_size: int = 32,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-embed all chunks; returns how many. ``on_progress(done, total)`` after each batch."""
    client = store.client
    staging_name = f"{store.chunks_name}_reindex"
    if staging_name in {collection.name for collection in client.list_collections()}:
        client.delete_collection(staging_name)
    identity = embeddings.identity
    staging = client.create_collection(
        staging_name,
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={"embedder": identity.name, "embedder_dim": identity.dim},
    )
    chunks = list(store.iter_chunks())
    for start in range(0, len(chunks), batch_size):
        batch = chunks[start : start + batch_size]
        vectors = embeddings.embed_passages([chunk.text for chunk in batch])
        staging.add(
            ids=[chunk.chunk_id for chunk in batch],
            embeddings=vectors,
            documents=[chunk.text for chunk in batch],
            metadatas=[chunk.metadata for chunk in batch],
        )
        if on_progress:
            on_progress(start + len(batch), len(chunks))
    client.delete_collection(store.chunks_name)
    staging.modify(name=store.chunks_name)
    store.chunks = client.get_collection(store.chunks_name, embedding_function=None)
    return len(chunks)
