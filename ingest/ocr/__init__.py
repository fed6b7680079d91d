"""OCR of PDF pages that have no usable text layer (scanned statutes, old reports).

Engine: poppler renders each page (``pdftoppm``) and Tesseract reads it, in the languages
of the ``ocr_languages`` setting (default ``ind+eng``), a page at a time, several at once.
That is the pytesseract + pdf2image design, with both programs called directly. It was
chosen over ocrmypdf by measurement on the scanned pages the tests make (two pages each of
the Indonesian statute and the English treaty from sample/documents, clean and degraded,
200-dpi scans), one page at a time on 2 busy cores:

==============================  ================  ==========================
pipeline                        CER (8 pages)     seconds per page
==============================  ================  ==========================
pdftoppm 200 dpi + tesseract    0.03-0.39 %       2.9-4.2
pdftoppm 300 dpi + tesseract    0.00-0.42 %       4.0-5.3
ocrmypdf 17 (``--sidecar``)     0.00-0.42 %       6.7-8.8
==============================  ================  ==========================

The error rates are the same, since both end in the same Tesseract. ocrmypdf takes about
twice as long: it starts once per file (1 s) and writes a new PDF with a text layer, which
ingestion does not need, and it brings pikepdf, pdfminer.six, pypdfium2 and img2pdf along.
Reading page by page ourselves also makes each page's outcome (its text, a time-out) a
value the loader gets back, rather than something to find in a log. Current figures (error
rate, pages per second, a 20-page scan ingested) are in docs/benchmarks.md, section "ocr".

Why the wrappers are not imported: pytesseract starts Tesseract with the process's own
environment, and Tesseract must run with ``OMP_THREAD_LIMIT=1`` when pages are read in
parallel (see ``ingest.ocr.reader``): setting that in ``os.environ`` would also throttle
OpenMP in the embedding model loaded by the same process. pdf2image starts two extra
programs per page (``pdfinfo`` and ``pdftoppm -v``) to learn what we already know. Both
programs are called with ``subprocess`` instead, and OCR needs no Python package.

The default resolution is 200 dpi: the test scans rendered at 200 dpi read as well as at
300 (CER 0.45% against 0.44% on the statute, 0.03% against 0.00% on the treaty; 8-point
text 0.45% against 0.52%) and a quarter faster. Rendering above a scan's own resolution
adds pixels, not detail; ``ocr_dpi`` can be raised for scans of very small print.
"""

from ingest.ocr.availability import ocr_unavailable_reason
from ingest.ocr.options import OcrOptions, OcrPageRead, current_ocr_options, using_ocr_options
from ingest.ocr.reader import PageReading, read_pages
from ingest.ocr.text_layer import letter_count, needs_ocr

__all__ = [
    "OcrOptions",
    "OcrPageRead",
    "PageReading",
    "current_ocr_options",
    "letter_count",
    "needs_ocr",
    "ocr_unavailable_reason",
    "read_pages",
    "using_ocr_options",
]
