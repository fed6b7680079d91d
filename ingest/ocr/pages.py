"""OCR for the pages of one PDF that need it: which are read, and which text each page keeps.

The PDF loader hands over every page's own text layer; this module decides, runs OCR on the
pages that need it (within ``ocr_max_pages``), and gives back each page's text with whether
OCR produced it, plus the page lists the document's metadata reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ingest.ocr.availability import ocr_unavailable_reason
from ingest.ocr.options import OcrOptions
from ingest.ocr.reader import PageReading, read_pages
from ingest.ocr.text_layer import is_garbage, letter_count

logger = logging.getLogger(__name__)

OCR_TURNED_OFF = "OCR is turned off (setting ocr_enabled; KB_OCR_ENABLED=true turns it on)"


@dataclass(frozen=True)
class TextLayer:
    """What a PDF page's own text layer gave."""

    page: int
    text: str | None
    """None when the PDF library failed on the page's content."""
    wants_ocr: bool


@dataclass
class PagesOcr:
    """The outcome of OCR over one document's pages."""

    wanted: list[int] = field(default_factory=list)
    readings: dict[int, PageReading] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)
    """Pages that wanted OCR and were not read: over the page limit, or OCR unavailable."""
    unavailable: str | None = None
    """Why OCR did not run although pages wanted it."""

    @property
    def failed(self) -> list[PageReading]:
        return sorted((reading for reading in self.readings.values() if reading.failure), key=lambda r: r.page)

    def text_of(self, layer: TextLayer) -> tuple[str, bool]:
        """The page's text, and whether it came from OCR (as Tesseract wrote it: the caller
        normalises it like any page's text). OCR replaces a text layer that is missing or
        garbage, and a sparse one (a stamp on a scan) when it found more letters."""
        layer_text = layer.text or ""
        reading = self.readings.get(layer.page)
        if reading is None or reading.failure:
            return layer_text, False
        read = reading.text
        if letter_count(read) == 0:
            return layer_text, False
        if layer.text is None or is_garbage(layer_text) or letter_count(read) > letter_count(layer_text):
            return read, True
        return layer_text, False

    def report(self, read_by_ocr: list[int]) -> dict[str, str]:
        """``ocr_pages``, ``ocr_failed_pages``, ``ocr_skipped_pages``: page lists, for metadata."""
        pages = {
            "ocr_pages": read_by_ocr,
            "ocr_failed_pages": [reading.page for reading in self.failed],
            "ocr_skipped_pages": self.skipped,
        }
        return {key: page_list(numbers) for key, numbers in pages.items() if numbers}


def ocr_where_needed(pdf: bytes, layers: list[TextLayer], options: OcrOptions, *, path: str) -> PagesOcr:
    outcome = PagesOcr(wanted=[layer.page for layer in layers if layer.wants_ocr])
    if not outcome.wanted:
        return outcome
    outcome.unavailable = OCR_TURNED_OFF if not options.enabled else ocr_unavailable_reason(options.language_codes)
    if outcome.unavailable:
        # Without OCR a page keeps whatever letters its own layer has, as before OCR existed.
        outcome.skipped = [layer.page for layer in layers if layer.wants_ocr and letter_count(layer.text or "") == 0]
        if outcome.skipped and len(outcome.skipped) < len(layers):
            logger.warning(
                "%s: pages %s have no text and were not read: %s", path, page_list(outcome.skipped), outcome.unavailable
            )
        return outcome
    to_read, outcome.skipped = outcome.wanted[: options.max_pages], outcome.wanted[options.max_pages :]
    if outcome.skipped:
        logger.warning(
            "%s: pages %s need OCR too but are over the limit of %d pages per file (ocr_max_pages)",
            path, page_list(outcome.skipped), options.max_pages,
        )
    outcome.readings = read_pages(pdf, to_read, options, path=path)
    return outcome


def page_list(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7": a 300-page scan's list stays one short line."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs)
