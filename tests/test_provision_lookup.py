"""A question naming a statute's article gets that article first, on a real knowledge base."""

from __future__ import annotations

import pytest

from factories import build_knowledge_base
from kb.provision_lookup import heading_pattern, named_provision, statute_identifiers
from kb.registry import DocumentRecord
from kb.search import SearchFilters

FILLER = (
    "Ketentuan ini dilaksanakan oleh pemerintah pusat dan pemerintah daerah sesuai dengan kewenangan masing-masing, "
    "dengan memperhatikan hak korban, keluarga korban, saksi, dan pelapor, serta kerja sama dengan masyarakat."
)
ARTICLES = {
    4: "Setiap orang yang membawa warga negara Indonesia ke luar wilayah negara Republik Indonesia dengan maksud "
    "untuk dieksploitasi di luar wilayah negara Republik Indonesia dipidana dengan pidana penjara paling lama "
    "15 tahun.",
}


def statute() -> str:
    parts = [
        "UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 21 TAHUN 2007 TENTANG PEMBERANTASAN TINDAK PIDANA PERDAGANGAN ORANG",
        "Menimbang: bahwa perdagangan orang merupakan kejahatan terhadap martabat manusia.",
    ]
    for number in range(1, 13):
        body = ARTICLES.get(number) or (
            f"Pidana sebagaimana dimaksud dalam Pasal 4 dan Pasal {number - 1} ditambah sepertiga apabila pelaku "
            f"tindak pidana perdagangan orang sebagaimana dimaksud dalam Pasal 4 adalah penyelenggara negara. {FILLER}"
        )
        parts.append(f"Pasal {number}\n{body} {FILLER}")
    return "\n\n".join(parts) + "\n"


@pytest.fixture(scope="module")
def statute_kb(tmp_path_factory):
    return build_knowledge_base(tmp_path_factory.mktemp("provisions"), {"uu_21_2007.txt": statute()})


@pytest.mark.parametrize(
    ("question", "identifiers", "number"),
    [
        ("Apa yang diatur Pasal 4 UU 21/2007?", ["UU 21/2007"], 4),
        ("What does Article 6 of Law No. 18 of 2017 say?", ["UU 18/2017"], 6),
        ("Isi Pasal 32 Peraturan Pemerintah Nomor 59 Tahun 2021", ["PP 59/2021"], 32),
        ("Pasal berapa dalam UU 18/2017 yang memuat hak pekerja migran?", ["UU 18/2017"], None),
    ],
)
def test_the_named_statute_and_provision_are_read_from_the_question(question, identifiers, number):
    assert statute_identifiers(question) == identifiers
    provision = named_provision(question)
    assert (provision[1] if provision else None) == number


def test_a_heading_is_told_from_a_citation():
    heading = heading_pattern(("Pasal", "Article"), 4)
    assert heading.search("BAB II\nPasal 4\nSetiap orang ...")
    assert heading.search("Pasal 4 Setiap orang yang membawa ...")
    assert heading.search("ARTICLE 4.\n1. Everyone ...")
    assert not heading.search("Pasal 7\nPidana sebagaimana dimaksud dalam Pasal 4 ditambah sepertiga.")
    assert not heading.search("Pasal 41\nCukup jelas.")
    assert not heading.search("Pasal 4 dan Pasal 5 berlaku bagi korporasi.")


def test_the_named_article_comes_first_and_answers(statute_kb):
    question = "Apa yang diatur Pasal 4 UU 21/2007?"
    ranked = statute_kb.retrieve(question, 8)
    assert not ranked[0].text.startswith("Pasal 4\n"), "precondition: ranking alone does not put Pasal 4 first"
    hits = statute_kb.search(question, 8)
    assert hits[0].text.lstrip().startswith("Pasal 4") or "\nPasal 4\n" in hits[0].text
    assert "provision" in hits[0].retrievers
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len({hit.chunk_id for hit in hits}) == len(hits) <= 8
    answer = statute_kb.ask(question)
    assert answer.answered and "ke luar wilayah" in answer.answer, answer.answer


def test_a_provision_without_its_document_or_a_named_retriever_is_left_to_ranking(statute_kb):
    assert not any("provision" in hit.retrievers for hit in statute_kb.search("Apa yang diatur Pasal 4?", 8))
    named = statute_kb.search("Apa yang diatur Pasal 4 UU 21/2007?", 8, retriever="dense")
    assert not any("provision" in hit.retrievers for hit in named)
    no_such_article = statute_kb.search("Apa yang diatur Pasal 40 UU 21/2007?", 8)
    assert not any("provision" in hit.retrievers for hit in no_such_article)
    english_only = statute_kb.search("Apa yang diatur Pasal 4 UU 21/2007?", 8, SearchFilters(languages=["en"]))
    assert not any("provision" in hit.retrievers for hit in english_only), "the filters hold for pinned passages"


REPORT = (
    "# Trafficking abroad: a report\n\n"
    "Anyone who takes citizens abroad to be exploited faces a prison sentence in most countries of the region. "
    "The maximum prison sentence for taking citizens abroad to be exploited varies from five to twenty years.\n"
)


@pytest.fixture(scope="module")
def statute_and_report_kb(tmp_path_factory):
    return build_knowledge_base(
        tmp_path_factory.mktemp("named-document"), {"uu_21_2007.txt": statute(), "report.md": REPORT}
    )


def test_a_question_naming_a_statute_without_an_article_reads_that_statute_first(statute_and_report_kb):
    question = (
        "What is the maximum prison sentence for taking citizens abroad to be exploited under Law No. 21 of 2007?"
    )
    statute_id = next(doc.doc_id for doc in statute_and_report_kb.documents() if doc.source == "uu_21_2007.txt")
    ranked_first = statute_and_report_kb.retrieve(question, 8)[0]
    assert ranked_first.doc_id != statute_id, "precondition: ranking prefers the report"
    hits = statute_and_report_kb.search(question, 8)
    assert hits[0].doc_id == statute_id and "named document" in hits[0].retrievers
    assert sum("named document" in hit.retrievers for hit in hits) == 1, "the ranking keeps the rest of the list"
    assert len({hit.chunk_id for hit in hits}) == len(hits)
    unnamed = statute_and_report_kb.search("What is the maximum prison sentence for taking citizens abroad?", 8)
    assert not any("named document" in hit.retrievers for hit in unnamed)


def test_a_named_document_the_filters_exclude_is_not_pinned(statute_and_report_kb):
    report_id = next(doc.doc_id for doc in statute_and_report_kb.documents() if doc.source == "report.md")
    question = "What is the maximum prison sentence under Law No. 21 of 2007?"
    hits = statute_and_report_kb.search(question, 8, SearchFilters(doc_ids=[report_id]))
    assert hits and all(hit.doc_id == report_id for hit in hits)
    assert not any("named document" in hit.retrievers for hit in hits)


def test_a_named_document_without_the_named_article_still_comes_first(statute_kb):
    hits = statute_kb.search("Apa yang diatur Pasal 40 UU 21/2007?", 8)
    assert "named document" in hits[0].retrievers and "provision" not in hits[0].retrievers


def record(source: str, title: str) -> DocumentRecord:
    return DocumentRecord(
        doc_id=source, path=f"/docs/{source}", source=source, sha256="0", version="v", file_type="md",
        title=title, lang="en", pages=None, chunk_ids=[], ingested_at="2026-01-01T00:00:00Z",
    )


def test_an_acronym_of_a_few_titles_or_file_names_names_those_documents():
    from kb.provision_lookup import named_documents

    objectives = record("gcm_23_objectives.md", "gcm 23 objectives")
    workshops = record("workshops.txt", "Pengenalan Global Compact for Migration (GCM)")
    statute = record("id_uu_18_2017.md", "UU 18/2017 tentang Pelindungan Pekerja Migran Indonesia")
    statute.metadata["identifier"] = "UU 18/2017"
    reports = [record(f"iom_report_{number}.pdf", f"IOM evaluation {number}") for number in range(4)]
    records = [objectives, workshops, statute, *reports]
    assert named_documents("Tujuan GCM nomor berapa tentang jaminan sosial?", records) == [objectives, workshops]
    assert named_documents("Apa kata IOM tentang jaminan sosial?", records) == [], "IOM is in too many titles"
    assert named_documents("Apa isi UU tentang jaminan sosial?", records) == [], "a statute's kind names none"
    assert named_documents("Apa isi UU 18/2017 tentang GCM?", records) == [statute], "the identifier names it"


GCM_OBJECTIVES = """# Objective 21

Title: Cooperate in facilitating safe and dignified return and readmission.

# Objective 22

Title: Establish mechanisms for the portability of social security entitlements and earned benefits.

Conclude reciprocal social security agreements on the portability of earned benefits for migrant workers.
"""

GCM_WORKSHOP = """Pengenalan Global Compact for Migration (GCM)

IOM menyelenggarakan lokakarya tentang GCM di Makassar bagi pemerintah daerah.
"""

SOCIAL_SECURITY_STATUTE = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 18 TAHUN 2017

Pasal 29
(1) Pemerintah menyelenggarakan jaminan sosial bagi pekerja migran Indonesia dan keluarganya.
(2) Jaminan sosial pekerja migran Indonesia dikelola oleh badan penyelenggara jaminan sosial.
"""


def test_a_question_naming_documents_by_acronym_reads_the_best_passage_of_each(tmp_path):
    documents = {"gcm_objectives.md": GCM_OBJECTIVES, "lokakarya_gcm.txt": GCM_WORKSHOP}
    knowledge_base = build_knowledge_base(tmp_path, {**documents, "uu_18_2017.txt": SOCIAL_SECURITY_STATUTE})
    question = "Tujuan GCM nomor berapa yang membahas supaya jaminan sosial pekerja migran bisa dibawa pindah?"
    assert knowledge_base.retrieve(question, 8)[0].source == "uu_18_2017.txt", "precondition: the statute ranks first"
    hits = knowledge_base.search(question, 8)
    pinned = [hit.source for hit in hits if "named document" in hit.retrievers]
    assert sorted(pinned) == ["gcm_objectives.md", "lokakarya_gcm.txt"] and hits[0].source in pinned, pinned
    answer = knowledge_base.ask(question)
    assert answer.answered and "Objective 22" in answer.answer, answer.answer
    assert answer.citations[0].source == "gcm_objectives.md"
