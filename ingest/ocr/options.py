"""How OCR runs, and how those choices reach the PDF loader.

The pipeline knows the settings; the PDF loader, several calls below it, is where OCR
happens. Rather than thread an OCR argument through every loader's signature (only PDFs
need it), the pipeline sets the options for the duration of a run with
``using_ocr_options`` and the loader reads ``current_ocr_options()``. Outside a run (a test
calling a loader directly) the settings are read as any command would read them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from kb.settings import Settings


@dataclass(frozen=True)
class OcrPageRead:
    """Progress: one page of one file has been through OCR (read, or failed)."""

    path: str
    page: int
    """1-based physical page."""
    done: int
    """Pages of this file finished so far, this one included."""
    total: int
    """Pages of this file that go through OCR."""
    seconds: float
    failure: str | None = None
    """Why the page could not be read (a time limit, a Tesseract error); None when it was."""


PageCallback = Callable[[OcrPageRead], None]


@dataclass(frozen=True)
class OcrOptions:
    """The ``ocr_*`` settings (see ``kb.settings``), plus where per-page progress goes."""

    enabled: bool
    languages: str
    """Tesseract language codes joined by "+", e.g. "ind+eng"."""
    dpi: int
    page_timeout_s: float
    max_pages: int
    workers: int
    on_page: PageCallback | None = None

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split("+") if code]

    @classmethod
    def from_settings(cls, settings: Settings, on_page: PageCallback | None = None) -> "OcrOptions":
        return cls(
            enabled=settings.ocr_enabled,
            languages=settings.ocr_languages,
            dpi=settings.ocr_dpi,
            page_timeout_s=settings.ocr_page_timeout_s,
            max_pages=settings.ocr_max_pages,
            workers=settings.ocr_workers,
            on_page=on_page,
        )


_current: ContextVar[OcrOptions | None] = ContextVar("ocr_options", default=None)


def current_ocr_options() -> OcrOptions:
    """The options of the run in progress, else those of the settings (environment, kb.toml)."""
    return _current.get() or OcrOptions.from_settings(Settings())


@contextmanager
def using_ocr_options(options: OcrOptions) -> Iterator[OcrOptions]:
    token = _current.set(options)
    try:
        yield options
    finally:
        _current.reset(token)
