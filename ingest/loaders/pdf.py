"""PDF files: one section per physical page, so every citation can open ``#page=N``.

Text comes from pypdf's default ("plain") extraction. Layout mode was measured on the
143-page IOM meta-evaluation report and rejected: it took 7.0 s against 4.7 s and broke
words apart with runs of spaces ("tool                s", "decision               -making"),
which hurts both search and quoting; plain mode reads as the running text.

Pages with no text (blank separators, full-page images) produce no section rather than an
empty one, since an empty section can only become an empty chunk; ``pages`` still counts
them and each section keeps its physical page number. A file in which no page has text is
refused: it is a scan, and indexing it would silently add a document nobody can find.

Pages whose text layer is missing or unusable (``ingest.ocr.text_layer`` has the measured
rule) are read by OCR when Tesseract is installed and ``ocr_enabled`` is on; their sections
are marked ``ocr``. What OCR could not do is reported in the document's metadata, as page
lists: ``ocr_pages`` (read by OCR), ``ocr_failed_pages`` (timed out or failed: the other
pages are kept) and ``ocr_skipped_pages`` (over ``ocr_max_pages``, or OCR unavailable while
other pages had text). A file with no text at all still fails, now saying how to enable OCR.
"""

from __future__ import annotations

import datetime
import io
import re

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from ingest.document import LoadedDocument, Section
from ingest.errors import IngestError
from ingest.loaders.common import EMPTY_FILE, short_reason
from ingest.loaders.pdf_title import cover_title
from ingest.loaders.sections import normalize_block
from ingest.loaders.titles import collapse_whitespace, first_heading_like_line, meaningful_title
from ingest.ocr import current_ocr_options, needs_ocr
from ingest.ocr.pages import OCR_TURNED_OFF, PagesOcr, TextLayer, ocr_where_needed

PASSWORD_REQUIRED = "encrypted PDF: a password is required"
NO_TEXT_LAYER = "no text layer (scanned PDF?)"

_HEADER_SEARCH_BYTES = 1024
_TRAILER_SEARCH_BYTES = 2048
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def load_pdf_bytes(data: bytes, path: str, source: str) -> LoadedDocument:
    if not data.strip():
        raise IngestError(path, EMPTY_FILE)
    reader = _open(data, path)
    _unlock(reader, path)
    try:
        pages = list(reader.pages)
    except Exception as error:  # pypdf raises many types on malformed page trees
        raise IngestError(path, _unreadable(short_reason(error))) from None

    labels = _page_labels(reader, len(pages))
    layers = [_text_layer(number, page) for number, page in enumerate(pages, start=1)]
    ocr = ocr_where_needed(data, layers, current_ocr_options(), path=path)

    sections: list[Section] = []
    read_by_ocr: list[int] = []
    for layer in layers:
        text, by_ocr = ocr.text_of(layer)
        text = normalize_block(text) if by_ocr else text
        if not any(ch.isalpha() for ch in text):
            continue
        if by_ocr:
            read_by_ocr.append(layer.page)
        label = labels[layer.page - 1] if labels else None
        sections.append(
            Section(text=text, page=layer.page, page_label=label if label != str(layer.page) else None, ocr=by_ocr)
        )

    failed_pages = [layer.page for layer in layers if layer.text is None and layer.page not in read_by_ocr]
    if not sections:
        raise IngestError(path, _no_text_reason(len(pages), len(failed_pages), ocr))

    metadata = _document_metadata(reader)
    if failed_pages:
        metadata["unreadable_pages"] = ", ".join(str(number) for number in failed_pages)
    metadata.update(ocr.report(read_by_ocr))
    return LoadedDocument(
        path=path,
        source=source,
        file_type="pdf",
        sections=sections,
        title=_embedded_title(reader)
        or cover_title(pages[sections[0].page - 1], sections[0].text)
        or first_heading_like_line(sections[0].text, join_wrapped=True),
        pages=len(pages),
        metadata=metadata,
    )


def _text_layer(number: int, page) -> TextLayer:
    try:
        text = normalize_block(page.extract_text() or "")
    except Exception:  # one damaged content stream should not cost the other pages
        return TextLayer(number, None, wants_ocr=True)
    return TextLayer(number, text, wants_ocr=needs_ocr(text, lambda: _shows_picture(page)))


def _shows_picture(page) -> bool:
    try:
        return len(page.images) > 0
    except Exception:  # an unreadable resource may well be the scan itself
        return True


def _no_text_reason(page_count: int, failed_count: int, ocr: PagesOcr) -> str:
    if page_count == 0:
        return _unreadable("it has no pages")
    if failed_count == page_count and not ocr.readings:
        return _unreadable("text extraction failed on every page")
    if ocr.unavailable == OCR_TURNED_OFF:
        return f"{NO_TEXT_LAYER}: {OCR_TURNED_OFF}"
    if ocr.unavailable:
        return f"{NO_TEXT_LAYER}: OCR is not available — {ocr.unavailable}"
    if ocr.failed and len(ocr.failed) == len(ocr.readings):
        return f"{NO_TEXT_LAYER}: OCR failed on every page ({ocr.failed[0].failure})"
    count = len(ocr.readings)
    return f"{NO_TEXT_LAYER}: OCR found no text on {'its page' if count == 1 else f'its {count} pages'}"


def _unreadable(reason: str) -> str:
    return f"not a readable PDF ({reason})"


def _open(data: bytes, path: str) -> PdfReader:
    if b"%PDF-" not in data[:_HEADER_SEARCH_BYTES]:
        raise IngestError(path, _unreadable("no PDF header: the file is not a PDF"))
    try:
        return PdfReader(io.BytesIO(data))
    except Exception as error:  # PdfReadError, PdfStreamError, ValueError, KeyError, ...
        if b"%%EOF" not in data[-_TRAILER_SEARCH_BYTES:]:
            reason = "the file is truncated: no end-of-file marker"
        else:
            reason = short_reason(error)
        raise IngestError(path, _unreadable(reason)) from None


def _unlock(reader: PdfReader, path: str) -> None:
    """Many PDFs are encrypted only to restrict printing; those open with the empty password."""
    if not reader.is_encrypted:
        return
    try:
        result = reader.decrypt("")
    except DependencyError:
        raise IngestError(path, "encrypted PDF: AES support is missing (install 'cryptography')") from None
    except Exception as error:
        raise IngestError(path, _unreadable(short_reason(error))) from None
    if result == PasswordType.NOT_DECRYPTED:
        raise IngestError(path, PASSWORD_REQUIRED)


def _page_labels(reader: PdfReader, page_count: int) -> list[str] | None:
    """Printed labels ("iv", "A-3"); a malformed label tree just means no labels."""
    try:
        labels = list(reader.page_labels)
    except Exception:
        return None
    return labels if len(labels) == page_count else None


def _embedded_title(reader: PdfReader) -> str | None:
    try:
        info = reader.metadata
        return meaningful_title(str(info.title)) if info and info.title else None
    except Exception:
        return None


def _document_metadata(reader: PdfReader) -> dict[str, str]:
    metadata: dict[str, str] = {}
    try:
        info = reader.metadata
    except Exception:
        return metadata
    if not info:
        return metadata
    author = collapse_whitespace(str(info.get("/Author") or ""))
    if author:
        metadata["author"] = author
    date = _iso_date(str(info.get("/CreationDate") or ""))
    if date:
        metadata["date"] = date
    return metadata


def _iso_date(raw: str) -> str | None:
    """"D:20250808152007+00'00'" -> "2025-08-08"; None for anything that is not a real date."""
    match = _PDF_DATE.match(raw.strip())
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
