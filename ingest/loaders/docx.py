"""Word (.docx) files: paragraphs and tables in body order, sections at "Heading N" styles.

Tables are read row by row with cells joined by " | ": policy documents put much of their
substance (responsibilities, timelines, indicators) in tables, and dropping them would
leave the index blind to it. A cell spanning several columns is read once, not per column.
"""

from __future__ import annotations

import io
import re

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.loaders.common import EMPTY_FILE, short_reason
from ingest.loaders.sections import SectionBuilder
from ingest.loaders.titles import collapse_whitespace, meaningful_title

NO_TEXT = "no text in the document"

_HEADING_STYLE = re.compile(r"^heading\s*(\d)?", re.IGNORECASE)
_CELL_SEPARATOR = " | "
_TEMPLATE_AUTHORS = {"python-docx"}
"""Authors stamped by a generator's template rather than written by a person."""


def load_docx_bytes(data: bytes, path: str, source: str) -> LoadedDocument:
    if not data.strip():
        raise IngestError(path, EMPTY_FILE)
    try:
        document = docx.Document(io.BytesIO(data))
        builder = SectionBuilder()
        first_heading, title_paragraph = _read_body(document, builder)
        sections = builder.finish()
    except Exception as error:  # BadZipFile, PackageNotFoundError, KeyError, XML errors, ...
        raise IngestError(path, f"not a readable DOCX ({short_reason(error)})") from None
    if not sections:
        raise IngestError(path, NO_TEXT)

    properties = document.core_properties
    return LoadedDocument(
        path=path,
        source=source,
        file_type="docx",
        sections=sections,
        title=meaningful_title(properties.title) or title_paragraph or first_heading,
        metadata=_core_metadata(document),
    )


def _read_body(document: DocxDocument, builder: SectionBuilder) -> tuple[str | None, str | None]:
    """Feed the builder; return the first heading and the first "Title"-styled paragraph."""
    first_heading: str | None = None
    title_paragraph: str | None = None
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            builder.add_text(_table_text(block))
            continue
        if not isinstance(block, Paragraph):
            continue
        text = block.text.strip()
        if not text:
            continue
        style_name = block.style.name if block.style is not None else ""
        level = _heading_level(style_name)
        if level is not None:
            heading = collapse_whitespace(text)
            builder.start_heading(level, heading)
            first_heading = first_heading or heading
            continue
        if style_name.lower() == "title" and title_paragraph is None:
            title_paragraph = meaningful_title(text)
        builder.add_text(text)
    return first_heading, title_paragraph


def _heading_level(style_name: str) -> int | None:
    match = _HEADING_STYLE.match(style_name or "")
    if not match:
        return None
    return int(match.group(1)) if match.group(1) and match.group(1) != "0" else 1


def _table_text(table: Table) -> str:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen_cells: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen_cells:  # merged cells repeat the same underlying element
                continue
            seen_cells.add(id(cell._tc))
            cell_text = collapse_whitespace(cell.text)
            if cell_text:
                cells.append(cell_text)
        if cells:
            rows.append(_CELL_SEPARATOR.join(cells))
    return "\n".join(rows)


def _core_metadata(document: DocxDocument) -> dict[str, str]:
    metadata: dict[str, str] = {}
    properties = document.core_properties
    author = collapse_whitespace(properties.author or "")
    if author and author not in _TEMPLATE_AUTHORS:
        metadata["author"] = author
    created = properties.created
    if created is not None and author not in _TEMPLATE_AUTHORS:
        metadata["date"] = created.date().isoformat()
    return metadata
