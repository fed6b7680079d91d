"""OCR of scanned PDFs, on pages of real statutes and treaties made into scans by the test.

Tests that read pages need Tesseract with its Indonesian and English data and poppler
(``scripts/system-packages.sh`` installs them) and skip with the reason otherwise; the
tests of what happens without OCR run everywhere. OCR runs with the default settings
(``ind+eng``, 200 dpi, a worker per core) unless a test is about one of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.loaders import load_file
from ingest.ocr import OcrOptions, OcrPageRead, ocr_unavailable_reason, using_ocr_options
from ingest.ocr.text_layer import is_garbage, needs_ocr
from ingest.pipeline import Ingestor, SilentProgress
from kb.api import KnowledgeBase
from kb.settings import Settings
from scanned import (
    ENGLISH_TREATY,
    FONT_PATH,
    INDONESIAN_STATUTE,
    character_error_rate,
    make_mixed_pdf,
    make_scanned_pdf,
    page_texts,
    phrase_from,
    source_text,
)

MAX_BYTES = 50 * 1024 * 1024
HOW_TO_ENABLE = "install tesseract-ocr with the ind and eng language data (scripts/system-packages.sh)"

requires_font = pytest.mark.skipif(
    not FONT_PATH.exists(), reason=f"the font scans are drawn with is missing ({FONT_PATH}: fonts-dejavu-core)"
)
_missing = ocr_unavailable_reason(["ind", "eng"])
requires_tesseract = pytest.mark.skipif(_missing is not None, reason=f"OCR is not available here: {_missing}")


def ocr_options(**changes) -> OcrOptions:
    return OcrOptions.from_settings(Settings(**changes))


def load(path: Path, **changes):
    with using_ocr_options(ocr_options(**changes)):
        return load_file(path, max_bytes=MAX_BYTES)


class RecordingProgress(SilentProgress):
    def __init__(self) -> None:
        self.ocr_pages: list[OcrPageRead] = []

    def ocr_page_read(self, event: OcrPageRead) -> None:
        self.ocr_pages.append(event)


def knowledge_base_at(tmp_path: Path, **changes) -> KnowledgeBase:
    return KnowledgeBase(Settings(home=tmp_path / "kb-home", embed_batch_size=16, **changes))


def ingest(knowledge_base: KnowledgeBase, *paths: Path, progress=None) -> dict:
    ingestor = Ingestor(knowledge_base.settings, knowledge_base.store, knowledge_base.embeddings, progress)
    return ingestor.ingest([str(path) for path in paths]).to_json()


def chunks_of(knowledge_base: KnowledgeBase, source: str) -> list[dict]:
    doc_id = knowledge_base.document(source).doc_id
    found = knowledge_base.store.chunks.get(where={"doc_id": doc_id}, include=["metadatas", "documents"])
    chunks = [{**metadata, "text": text} for metadata, text in zip(found["metadatas"], found["documents"])]
    return sorted(chunks, key=lambda chunk: chunk["position"])


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """Two-page scans of each document, clean and degraded, with the text drawn on each page."""
    folder = tmp_path_factory.mktemp("scans")
    made = {}
    for name, document in (("statute", INDONESIAN_STATUTE), ("treaty", ENGLISH_TREATY)):
        texts = page_texts(document, 2, skip_pages=1)
        for quality in ("clean", "degraded"):
            path = make_scanned_pdf(folder / f"{name}_{quality}.pdf", texts, degraded=quality == "degraded")
            made[f"{name}_{quality}"] = (path, texts)
    return made


# ------------------------------------------------------------------ search finds scanned pages


@requires_font
@requires_tesseract
@pytest.mark.parametrize("quality", ["clean", "degraded"])
def test_scanned_statute_and_treaty_pages_are_found_by_search_on_the_right_page(tmp_path, scans, quality):
    knowledge_base = knowledge_base_at(tmp_path)
    statute, statute_pages = scans[f"statute_{quality}"]
    treaty, treaty_pages = scans[f"treaty_{quality}"]

    report = ingest(knowledge_base, statute, treaty)
    assert (report["added"], report["failed"]) == (2, [])

    for path, pages in ((statute, statute_pages), (treaty, treaty_pages)):
        for page_number, page_text in enumerate(pages, start=1):
            phrase = phrase_from(page_text)
            top = knowledge_base.search(phrase, k=5)[0]
            assert (top.source, top.page) == (path.name, page_number), phrase
        record = knowledge_base.document(path.name)
        assert record.metadata["ocr_pages"] == "1-2"
        assert record.pages == 2
        assert all(chunk["ocr"] is True for chunk in chunks_of(knowledge_base, path.name))
    assert knowledge_base.document(statute.name).lang == "id"
    assert knowledge_base.document(treaty.name).lang == "en"


# ------------------------------------------------------------------ only what needs OCR is OCRed


@requires_font
@requires_tesseract
def test_pdf_mixing_a_text_page_and_a_scan_ocrs_only_the_scan(tmp_path):
    knowledge_base = knowledge_base_at(tmp_path)
    treaty_text = source_text(ENGLISH_TREATY)[:2400].encode("latin-1", "replace").decode("latin-1")
    scanned_page = page_texts(INDONESIAN_STATUTE, 1, skip_pages=2)[0]
    mixed = make_mixed_pdf(tmp_path / "mixed.pdf", [("text", treaty_text), ("scan", scanned_page)])
    progress = RecordingProgress()

    report = ingest(knowledge_base, mixed, progress=progress)
    assert report["added"] == 1

    assert [(event.page, event.done, event.total, event.failure) for event in progress.ocr_pages] == [(2, 1, 1, None)]
    assert knowledge_base.document("mixed.pdf").metadata["ocr_pages"] == "2"
    chunks = chunks_of(knowledge_base, "mixed.pdf")
    assert chunks[0]["page"] == 1 and "ocr" not in chunks[0]
    assert chunks[-1]["page"] == 2 and chunks[-1]["ocr"] is True
    assert all(chunk.get("ocr") is True for chunk in chunks if chunk["page"] == 2)
    top = knowledge_base.search(phrase_from(scanned_page), k=3)[0]
    assert (top.source, top.page) == ("mixed.pdf", 2)


@requires_font
@requires_tesseract
def test_ocr_reads_a_clean_statute_page_within_three_percent_and_stops_at_the_page_limit(tmp_path):
    texts = page_texts(INDONESIAN_STATUTE, 2, skip_pages=3)
    scan = make_scanned_pdf(tmp_path / "statute.pdf", texts)

    document = load(scan, ocr_max_pages=1)

    assert [(section.page, section.ocr) for section in document.sections] == [(1, True)]
    assert character_error_rate(texts[0], document.sections[0].text) <= 0.03
    assert document.metadata["ocr_pages"] == "1"
    assert document.metadata["ocr_skipped_pages"] == "2"


def test_a_born_digital_report_keeps_its_text_layer(shared_corpus):
    document = load(shared_corpus / "iom_meta_evaluation_2020_2024_brief.pdf")
    assert document.sections and not any(section.ocr for section in document.sections)
    assert not any(key.startswith("ocr_") for key in document.metadata)


# ------------------------------------------------------------------ failures are reported


@requires_font
@requires_tesseract
def test_a_page_over_the_time_limit_is_reported_and_the_rest_of_the_file_kept(tmp_path):
    knowledge_base = knowledge_base_at(tmp_path, ocr_page_timeout_s=0.5)
    text_page = source_text(ENGLISH_TREATY)[:1500].encode("latin-1", "replace").decode("latin-1")
    scanned_page = page_texts(INDONESIAN_STATUTE, 1, skip_pages=1)[0]
    mixed = make_mixed_pdf(tmp_path / "slow.pdf", [("text", text_page), ("scan", scanned_page)])
    progress = RecordingProgress()

    report = ingest(knowledge_base, mixed, progress=progress)

    assert (report["added"], report["failed"]) == (1, [])
    record = knowledge_base.document("slow.pdf")
    assert record.metadata["ocr_failed_pages"] == "2"
    assert "ocr_pages" not in record.metadata
    assert {chunk["page"] for chunk in chunks_of(knowledge_base, "slow.pdf")} == {1}
    assert "timed out" in progress.ocr_pages[0].failure


@requires_font
@requires_tesseract
def test_a_scan_whose_every_page_times_out_fails_saying_so(tmp_path, scans):
    path, _ = scans["statute_clean"]
    with pytest.raises(IngestError) as failure:
        load(path, ocr_page_timeout_s=0.2)
    assert failure.value.reason.startswith("no text layer (scanned PDF?): OCR failed on every page (timed out")


@requires_font
@requires_tesseract
def test_missing_language_data_is_named_with_its_package(scans):
    path, _ = scans["treaty_clean"]
    with pytest.raises(IngestError) as failure:
        load(path, ocr_languages="ind+xyz")
    assert "OCR is not available" in failure.value.reason
    assert "tesseract-ocr-xyz" in failure.value.reason


# ------------------------------------------------------------------ without OCR (runs everywhere)


@requires_font
def test_without_tesseract_a_scan_fails_saying_how_to_enable_ocr(tmp_path, monkeypatch):
    scan = make_scanned_pdf(tmp_path / "scan.pdf", page_texts(INDONESIAN_STATUTE, 1))
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(IngestError) as failure:
        load(scan)
    assert failure.value.reason == f"no text layer (scanned PDF?): OCR is not available — {HOW_TO_ENABLE}"


@requires_font
def test_with_ocr_turned_off_a_scan_fails_saying_so(tmp_path):
    scan = make_scanned_pdf(tmp_path / "scan.pdf", page_texts(ENGLISH_TREATY, 1))
    with pytest.raises(IngestError) as failure:
        load(scan, ocr_enabled=False)
    assert failure.value.reason.startswith("no text layer (scanned PDF?): OCR is turned off")


@requires_font
def test_text_pages_are_not_ocred_even_when_ocr_is_unavailable(tmp_path, monkeypatch):
    text = source_text(ENGLISH_TREATY)[:1500]
    mixed = make_mixed_pdf(tmp_path / "mixed.pdf", [("text", text), ("scan", page_texts(INDONESIAN_STATUTE, 1)[0])])
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    document = load(mixed)
    assert [(section.page, section.ocr) for section in document.sections] == [(1, False)]
    assert document.metadata["ocr_skipped_pages"] == "2"


# ------------------------------------------------------------------ the text-layer rule


def caesar(text: str, shift: int = 3) -> str:
    """What a font without a Unicode map gives: each letter replaced by another."""
    return "".join(
        chr((ord(ch) - base + shift) % 26 + base) if ch.isascii() and ch.isalpha() else ch
        for ch in text
        for base in [ord("a") if ch.islower() else ord("A")]
    )


@pytest.mark.parametrize("document", [INDONESIAN_STATUTE, ENGLISH_TREATY], ids=["statute", "treaty"])
def test_real_text_is_kept_and_a_shifted_encoding_is_garbage(document):
    text = source_text(document)[:3000]
    assert not is_garbage(text)
    assert not needs_ocr(text, shows_picture=lambda: True)
    assert is_garbage(caesar(text))
    assert needs_ocr(caesar(text), shows_picture=lambda: False)


def test_a_sparse_page_is_ocred_only_when_it_shows_a_picture():
    stamp = "SALINAN www.peraturan.go.id"
    assert needs_ocr(stamp, shows_picture=lambda: True)
    assert not needs_ocr(stamp, shows_picture=lambda: False)
    assert needs_ocr("", shows_picture=lambda: False)
    assert is_garbage("\ue000\ue001\ue002 abc \x07\x08")
