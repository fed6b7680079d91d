"""The data that flows between the ingestion stages.

Loaders produce a ``LoadedDocument`` of ``Section``s, cleaning rewrites the sections, and
chunking turns them into ``ChunkDraft``s. Keeping these plain dataclasses (rather than
LangChain ``Document``s) lets each stage state exactly which fields it relies on: page
numbers and section headings must survive every stage so that citations can point at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Section:
    """A run of text from one place in a document.

    PDF loaders emit one section per physical page; Markdown and HTML loaders emit one per
    heading-delimited block; plain text emits one per file.
    """

    text: str
    page: int | None = None
    """1-based physical page of the file (what ``#page=N`` opens); None for formats without pages."""
    page_label: str | None = None
    """The page label printed in the PDF, where it differs from the physical page number."""
    heading: str | None = None
    """The heading (Markdown/HTML section, statute chapter) this text sits under, if any."""
    ocr: bool = False
    """The text was read from the page's picture by OCR, not taken from the file's text layer."""


@dataclass
class LoadedDocument:
    """A whole document as read from a file or URL, before cleaning and chunking."""

    path: str
    """Absolute path or URL: the document's identity."""
    source: str
    """File name (or last URL segment) for display."""
    file_type: str
    """One of: pdf, md, txt, html, docx."""
    sections: list[Section]
    title: str | None = None
    title_candidates: list[str] = field(default_factory=list)
    """Headings that follow the title before any text, which may name the document in another
    language (a bilingual treaty opens with its Dutch name, then its English one)."""
    pages: int | None = None
    """Number of physical pages (PDF), else None."""
    metadata: dict[str, str] = field(default_factory=dict)
    """Extra facts found in the file itself (PDF author/date, HTML meta), all strings."""

    def full_text(self) -> str:
        return "\n\n".join(section.text for section in self.sections)


@dataclass
class ChunkDraft:
    """A chunk ready to be embedded; the pipeline adds ids, language and document metadata."""

    text: str
    position: int
    """0-based order of the chunk within its document."""
    page: int | None = None
    """Start page when the chunk crosses pages."""
    page_label: str | None = None
    heading: str | None = None
    ocr: bool = False
    """Some of the text was read by OCR (it may contain misread characters)."""
