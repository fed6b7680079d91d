"""Chunks are embedded with their document title and section in front, at ingestion and reindex alike."""

from __future__ import annotations

import numpy as np

from kb.passage_text import PASSAGE_TEXT_FORMAT, embedding_text
from kb.reindex import reindex
from kb.store import CHUNKS_CONFIGURATION
from test_ingest_pipeline import folder, ingest  # noqa: F401  (the fixture is used by name)


def test_title_and_section_go_in_front_of_the_text():
    text = "(a) He has completed three years' residence in the country;"
    metadata = {"title": "Convention relating to the Status of Refugees", "section": "Chapter III > Article 17"}
    assert embedding_text(text, metadata) == (
        "Convention relating to the Status of Refugees\nChapter III > Article 17\n" + text
    )


def test_what_the_text_already_opens_with_is_not_repeated():
    text = "Pasal 6\n(1) Setiap Calon Pekerja Migran Indonesia memiliki hak:"
    assert embedding_text(text, {"title": "UU 18/2017", "section": "Pasal 6"}) == "UU 18/2017\n" + text
    assert embedding_text(text, {"title": "Pasal 6", "section": "Pasal 6"}) == text
    assert embedding_text(text, {}) == text
    assert embedding_text(text, {"title": "", "section": None}) == text


def stored_chunks(knowledge_base):
    stored = knowledge_base.store.chunks.get(include=["documents", "metadatas", "embeddings"])
    order = np.argsort(stored["ids"])
    return (
        [stored["ids"][i] for i in order],
        [embedding_text(stored["documents"][i], stored["metadatas"][i]) for i in order],
        np.asarray(stored["embeddings"], dtype=np.float32)[order],
    )


def test_ingestion_and_reindex_embed_the_same_header_text(knowledge_base, folder):  # noqa: F811
    ingest(knowledge_base, folder)
    ids, texts, vectors = stored_chunks(knowledge_base)
    assert any(text.startswith("Remittance guide\n") for text in texts)
    assert np.allclose(vectors, knowledge_base.embeddings.embed_passages(texts), atol=1e-6)
    assert knowledge_base.store.passage_text_format() == PASSAGE_TEXT_FORMAT
    assert not knowledge_base.store.passage_text_outdated()
    assert knowledge_base.store.chunks.configuration["hnsw"]["ef_search"] == CHUNKS_CONFIGURATION["hnsw"]["ef_search"]

    reindex(knowledge_base.store, knowledge_base.embeddings, batch_size=3)
    reindexed_ids, _, reindexed = stored_chunks(knowledge_base)
    assert reindexed_ids == ids and np.allclose(reindexed, vectors, atol=1e-6)
    assert knowledge_base.store.passage_text_format() == PASSAGE_TEXT_FORMAT
    assert knowledge_base.store.chunks.configuration["hnsw"]["ef_search"] == CHUNKS_CONFIGURATION["hnsw"]["ef_search"]


def test_a_store_embedded_without_headers_is_reported_until_reindexed(knowledge_base, folder):  # noqa: F811
    ingest(knowledge_base, folder)
    identity = knowledge_base.embeddings.identity
    knowledge_base.store.chunks.modify(metadata={"embedder": identity.name, "embedder_dim": identity.dim})
    assert knowledge_base.store.passage_text_format() is None and knowledge_base.store.passage_text_outdated()
    reindex(knowledge_base.store, knowledge_base.embeddings)
    assert not knowledge_base.store.passage_text_outdated()


def test_a_new_title_re_embeds_the_documents_chunks(knowledge_base, folder):  # noqa: F811
    from kb.documents import set_metadata

    ingest(knowledge_base, folder)
    guide = knowledge_base.document("remittance_guide.md")
    other = knowledge_base.document("pelatihan_bahasa.txt")
    before = {chunk_id: vector for chunk_id, _, vector in zip(*stored_chunks(knowledge_base))}
    set_metadata(knowledge_base.store, guide, {"title": "Panduan kiriman uang"}, knowledge_base.embeddings)
    ids, texts, vectors = stored_chunks(knowledge_base)
    assert np.allclose(vectors, knowledge_base.embeddings.embed_passages(texts), atol=1e-6)
    changed = {chunk_id for chunk_id, vector in zip(ids, vectors) if not np.allclose(vector, before[chunk_id], atol=1e-6)}
    assert changed and changed <= set(guide.chunk_ids)
    assert not changed & set(other.chunk_ids)
    assert all(text.startswith("Panduan kiriman uang\n") for chunk_id, text in zip(ids, texts) if chunk_id in guide.chunk_ids)
