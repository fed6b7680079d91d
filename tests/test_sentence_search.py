"""The best-sentence ranking of hybrid search, on a real store with the sentence vectors ingestion keeps."""

from __future__ import annotations

import numpy as np
import pytest

from factories import build_knowledge_base
from kb.search import SearchFilters
from kb.sentence_search import best_sentence_ranking

REPORT = """# Final evaluation of the regional labour migration programme

The programme worked with ministries of labour in four countries on recruitment reform, pre-departure
orientation and the reintegration of returning workers. Partners praised the steering committee.
Budget lines for training were spent in full by the second year, and the monitoring framework was revised twice.
The evaluation team interviewed 140 stakeholders, including recruitment agencies and trade unions.
Field visits took place from November 2022 to January 2023 in the capitals and two border districts.
Most recommendations concern sustainability after the end of donor funding.
"""

NOTES = {
    "report.md": REPORT,
    "catatan.txt": "Kunjungan keluarga ke balai pelatihan diizinkan setiap akhir pekan selama masa pelatihan "
    "calon pekerja migran. Peserta menginap di asrama balai.",
    "schedule.txt": "The orientation course runs for five days. Each day starts with a session on contracts "
    "and ends with questions from the participants.",
}


@pytest.fixture(scope="module")
def sentence_kb(tmp_path_factory):
    return build_knowledge_base(tmp_path_factory.mktemp("sentences"), NOTES)


def stored_sentence_scores(knowledge_base, vector) -> dict[str, float]:
    """Each chunk's best sentence similarity, computed here from every stored sentence vector."""
    stored = knowledge_base.store.sentences.get(include=["metadatas", "embeddings"])
    best: dict[str, float] = {}
    for metadata, sentence_vector in zip(stored["metadatas"], stored["embeddings"]):
        score = float(np.dot(vector, np.asarray(sentence_vector, dtype=np.float32)))
        best[metadata["chunk_id"]] = max(score, best.get(metadata["chunk_id"], -2.0))
    return best


def test_chunks_are_ranked_by_their_closest_sentence(sentence_kb):
    vector = sentence_kb.embeddings.embed_queries(["When did the evaluators make their field visits?"])[0]
    ranking = best_sentence_ranking(sentence_kb.store, vector, 10, None)
    expected = stored_sentence_scores(sentence_kb, vector)
    assert [chunk_id for chunk_id, _ in ranking] == sorted(expected, key=lambda chunk_id: -expected[chunk_id])
    for chunk_id, score in ranking:
        assert score == pytest.approx(expected[chunk_id], abs=1e-4)
    top = sentence_kb.store.chunks.get(ids=[ranking[0][0]])["metadatas"][0]
    assert top["source"] == "report.md"


def test_filters_apply_to_the_sentence_ranking(sentence_kb):
    vector = sentence_kb.embeddings.embed_queries(["kunjungan lapangan evaluasi"])[0]
    sources = {}
    for name, filters in {
        "english": SearchFilters(languages=["en"]),
        "not english": SearchFilters(excluded_languages=["en"]),
        "text files": SearchFilters(file_types=["txt"]),
    }.items():
        chunk_ids = [chunk_id for chunk_id, _ in best_sentence_ranking(sentence_kb.store, vector, 10, None, filters)]
        sources[name] = {metadata["source"] for metadata in sentence_kb.store.chunks.get(ids=chunk_ids)["metadatas"]}
    assert sources["english"] == {"report.md", "schedule.txt"}
    assert sources["not english"] == {"catatan.txt"}
    assert sources["text files"] == {"catatan.txt", "schedule.txt"}
    report_id = next(record.doc_id for record in sentence_kb.documents() if record.source == "report.md")
    only_report = best_sentence_ranking(sentence_kb.store, vector, 10, None, SearchFilters(doc_ids=[report_id]))
    chunk_ids = [chunk_id for chunk_id, _ in only_report]
    assert chunk_ids and {m["doc_id"] for m in sentence_kb.store.chunks.get(ids=chunk_ids)["metadatas"]} == {report_id}


def test_hybrid_hits_say_where_the_sentence_ranking_put_them(sentence_kb):
    hits = sentence_kb.search("When did the evaluators make their field visits?", k=3)
    assert hits[0].source == "report.md"
    assert hits[0].retrievers["sentence"]["rank"] == 1


def test_a_zero_sentence_weight_leaves_the_ranking_out(sentence_kb):
    from kb.api import KnowledgeBase

    without = KnowledgeBase(sentence_kb.settings.model_copy(update={"sentence_weight": 0.0}))
    without.embeddings = sentence_kb.embeddings
    hits = without.search("When did the evaluators make their field visits?", k=3)
    assert hits and all("sentence" not in hit.retrievers for hit in hits)


def test_sentences_of_a_vanished_chunk_are_passed_over(tmp_path):
    knowledge_base = build_knowledge_base(tmp_path, NOTES)
    report = next(record for record in knowledge_base.documents() if record.source == "report.md")
    knowledge_base.store.chunks.delete(ids=report.chunk_ids)  # as if removed between two reads
    assert knowledge_base.store.sentences.get(where={"doc_id": report.doc_id})["ids"], "precondition: sentences left"
    hits = knowledge_base.search("When did the evaluators make their field visits?", k=3)
    assert hits and all(hit.source != "report.md" for hit in hits)


def test_a_store_made_with_a_narrower_search_gets_the_configured_breadth(settings):
    """Chroma applies a collection's configuration only when creating it: a store made before
    the sentence ranking searched wider (Chroma's ef_search 100) is widened when opened."""
    import chromadb

    from kb.store import CHUNKS_CONFIGURATION, SENTENCES_CONFIGURATION, KnowledgeStore

    client = chromadb.PersistentClient(str(settings.home / "chroma"))
    for name in (f"{settings.collection}_chunks", f"{settings.collection}_sentences"):
        client.create_collection(name, embedding_function=None, configuration={"hnsw": {"space": "ip"}})
    store = KnowledgeStore(settings, client=client)
    assert store.sentences.configuration["hnsw"]["ef_search"] == SENTENCES_CONFIGURATION["hnsw"]["ef_search"]
    assert store.chunks.configuration["hnsw"]["ef_search"] == CHUNKS_CONFIGURATION["hnsw"]["ef_search"]
    reopened = client.get_collection(f"{settings.collection}_sentences", embedding_function=None)
    assert reopened.configuration["hnsw"]["ef_search"] == 1000
