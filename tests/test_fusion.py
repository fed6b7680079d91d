"""Hybrid fusion: a crossed-language question keeps its dense hit, an exact term its lexical hit."""

from __future__ import annotations

import pytest

from factories import build_knowledge_base
from kb.fusion import convex_combination, reciprocal_rank_fusion

FUSION_METHODS = ["convex", "rrf"]


def ids(fused) -> list[str]:
    return [item for item, _, _ in fused]


def test_convex_combination_keeps_a_confident_dense_winner_that_rank_fusion_loses():
    rankings = {
        "dense:en": [("a", 0.95), ("c", 0.61), ("b", 0.60)],
        "lexical": [("b", 10.0), ("a", 2.0), ("c", 1.9)],
    }
    assert ids(convex_combination(rankings))[0] == "a"  # 1.0 + 0.01 against b's 0.0 + 1.0
    fused = convex_combination(rankings)
    assert fused[0][2] == {"dense:en": {"rank": 1, "score": 0.95}, "lexical": {"rank": 2, "score": 2.0}}


def test_an_item_only_one_retriever_found_is_still_fused_in():
    rankings = {"dense:id": [("x", 0.9), ("y", 0.5)], "lexical": [("z", 4.0)]}
    for fuse in (convex_combination, reciprocal_rank_fusion):
        assert set(ids(fuse(rankings))) == {"x", "y", "z"}


def test_a_ranking_of_equal_scores_counts_fully_and_an_empty_one_not_at_all():
    fused = convex_combination({"dense:en": [("p", 0.7), ("q", 0.7)], "lexical": []})
    assert [(item, score) for item, score, _ in fused] == [("p", 1.0), ("q", 1.0)]  # ties broken by id


def test_weights_scale_each_retriever():
    rankings = {"dense:en": [("a", 0.9), ("b", 0.1)], "lexical": [("b", 9.0), ("a", 1.0)]}
    assert ids(convex_combination(rankings, weights={"dense:en": 2.0, "lexical": 1.0}))[0] == "a"
    assert ids(convex_combination(rankings, weights={"dense:en": 1.0, "lexical": 2.0}))[0] == "b"
    assert ids(reciprocal_rank_fusion(rankings, weights={"dense:en": 1.0, "lexical": 0.0}))[0] == "a"


REMITTANCES = """# Sending money home

Migrant workers who send part of their wages to their families pay transfer fees to banks and money
transfer operators. Fees are lower for digital transfers than for cash sent through agents.
"""

NOTES = {
    "pelatihan.txt": "Calon pekerja migran mengikuti pelatihan bahasa sebelum berangkat ke negara tujuan. "
    "Biaya pelatihan ditanggung pemerintah daerah.",
    "pengaduan.txt": "Keluarga pekerja migran dapat mengirim pengaduan ke dinas tenaga kerja di kampung halaman "
    "bila ada masalah dengan agen penempatan.",
    "dokumen.txt": "Setiap pekerja wajib membawa paspor dan visa kerja; dokumen itu tidak boleh ditahan oleh majikan.",
    "layanan.txt": "Peraturan Pemerintah Nomor 59 Tahun 2021 (PP 59/2021) mengatur layanan terpadu satu atap di daerah.",
}
"""Indonesian notes sharing words with the questions below, so that BM25 alone ranks them first."""


@pytest.fixture(scope="module")
def fusion_kb(tmp_path_factory):
    return build_knowledge_base(tmp_path_factory.mktemp("fusion"), {"remittances.md": REMITTANCES, **NOTES})


def open_with(base, fusion: str):
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    knowledge_base = KnowledgeBase(Settings(home=base.settings.home, fusion=fusion))
    for loaded in ("embeddings", "store", "lexical_cache"):
        setattr(knowledge_base, loaded, getattr(base, loaded))
    return knowledge_base


@pytest.mark.parametrize("fusion", FUSION_METHODS)
def test_crossed_language_question_surfaces_the_dense_hit(fusion_kb, fusion):
    knowledge_base = open_with(fusion_kb, fusion)
    question = "Berapa ongkos mengirim uang ke keluarga di kampung?"
    lexical = knowledge_base.search(question, k=5, retriever="lexical")
    assert lexical[0].source == "pengaduan.txt", "precondition: BM25 prefers the Indonesian note"
    hits = knowledge_base.search(question, k=3, retriever="hybrid")
    found = [hit for hit in hits if hit.source == "remittances.md"]
    assert found, [hit.source for hit in hits]
    assert found[0].retrievers["dense"]["rank"] == 1


@pytest.mark.parametrize("fusion", FUSION_METHODS)
def test_exact_article_number_surfaces_the_lexical_hit(fusion_kb, fusion):
    knowledge_base = open_with(fusion_kb, fusion)
    hits = knowledge_base.search("Apa isi PP 59/2021?", k=3, retriever="hybrid")
    assert hits[0].source == "layanan.txt", [hit.source for hit in hits]
    assert hits[0].retrievers["lexical"]["rank"] == 1
