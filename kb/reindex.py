"""Re-embedding every stored chunk with the configured embedder.

Needed when the embedding model changes (vectors of two models cannot be mixed), and for a
store whose chunks were embedded from their text alone, before the title and section were put
in front (kb.passage_text). The new
vectors go into fresh collections that replace the old ones only when complete, so an
interrupted reindex leaves the knowledge base as it was (and the next reindex starts over).
The chunks' candidate sentences (the vectors the default answerer looks up) are embedded again
too, from the chunk texts, so a knowledge base ingested before sentence vectors were stored
gets them here.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from kb.embeddings import KBEmbeddings
from kb.passage_text import embedding_text
from kb.sentences import sentence_entries
from kb.store import CHUNKS_CONFIGURATION, SENTENCES_CONFIGURATION, KnowledgeStore, collection_metadata


def reindex(
    store: KnowledgeStore,
    embeddings: KBEmbeddings,
    *,
    batch_size: int = 32,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-embed all chunks and their sentences; returns how many chunks. ``on_progress(done, total)`` after each batch."""
    client = store.client
    identity = embeddings.identity
    existing = {collection.name for collection in client.list_collections()}
    staging = {}
    for name in (store.chunks_name, store.sentences_name):
        if f"{name}_reindex" in existing:
            client.delete_collection(f"{name}_reindex")
        staging[name] = client.create_collection(
            f"{name}_reindex",
            embedding_function=None,
            configuration=SENTENCES_CONFIGURATION if name == store.sentences_name else CHUNKS_CONFIGURATION,
            metadata=collection_metadata(identity, chunks=name == store.chunks_name),
        )
    chunks = list(store.iter_chunks())
    for start in range(0, len(chunks), batch_size):
        batch = chunks[start : start + batch_size]
        vectors = embeddings.embed_passages([embedding_text(chunk.text, chunk.metadata) for chunk in batch])
        staging[store.chunks_name].add(
            ids=[chunk.chunk_id for chunk in batch],
            embeddings=vectors,
            documents=[chunk.text for chunk in batch],
            metadatas=[chunk.metadata for chunk in batch],
        )
        _add_sentences(staging[store.sentences_name], embeddings, batch)
        if on_progress:
            on_progress(start + len(batch), len(chunks))
    # Sentences first: stopped between the two swaps, the chunks still name the old embedder,
    # so the store asks for `kb reindex` again rather than serving sentences of another model.
    for name in (store.sentences_name, store.chunks_name):
        client.delete_collection(name)
        staging[name].modify(name=name)
    store.sentences = client.get_collection(store.sentences_name, embedding_function=None)
    store.chunks = client.get_collection(store.chunks_name, embedding_function=None)
    return len(chunks)


def _add_sentences(collection, embeddings: KBEmbeddings, chunks) -> None:
    entries = [
        entry
        for chunk in chunks
        for entry in sentence_entries(
            chunk.chunk_id, chunk.text, chunk.metadata.get("doc_id", ""), chunk.metadata.get("version", "")
        )
    ]
    if not entries:
        return
    ids, texts, metadatas = map(list, zip(*entries))
    unique = list(dict.fromkeys(texts))
    by_text = dict(zip(unique, embeddings.embed_passages(unique)))
    collection.add(ids=ids, embeddings=np.stack([by_text[text] for text in texts]), documents=texts, metadatas=metadatas)
