"""Plain-text files: one section, decoded carefully (see ``decoding``)."""

from __future__ import annotations

from ingest.document import LoadedDocument, Section
from ingest.loaders.common import require_text
from ingest.loaders.decoding import decode_text
from ingest.loaders.sections import normalize_block
from ingest.loaders.titles import first_heading_like_line


def load_text_bytes(data: bytes, path: str, source: str) -> LoadedDocument:
    text, encoding = decode_text(data, path)
    return load_text_string(text, path, source, encoding=encoding)


def load_text_string(text: str, path: str, source: str, *, encoding: str | None = None) -> LoadedDocument:
    """For text already decoded elsewhere (a web response with a declared charset)."""
    body = normalize_block(text)
    require_text(body, path)
    metadata = {"encoding": encoding} if encoding else {}
    return LoadedDocument(
        path=path,
        source=source,
        file_type="txt",
        sections=[Section(text=body)],
        title=first_heading_like_line(body),
        metadata=metadata,
    )
