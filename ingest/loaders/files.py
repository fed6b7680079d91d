"""Reading one local file: checks shared by every format, then dispatch on the suffix.

The size limit is checked before a single byte is read, so an oversized upload costs
nothing; the read itself is capped too, in case the file grows in between.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.document import LoadedDocument
from ingest.errors import IngestError, UnsupportedFileType
from ingest.loaders.common import EMPTY_FILE, over_limit_reason, short_reason
from ingest.loaders.docx import load_docx_bytes
from ingest.loaders.html import load_html_bytes
from ingest.loaders.markdown import load_markdown_bytes
from ingest.loaders.pdf import load_pdf_bytes
from ingest.loaders.text import load_text_bytes

BytesLoader = Callable[[bytes, str, str], LoadedDocument]

LOADERS_BY_SUFFIX: dict[str, BytesLoader] = {
    ".pdf": load_pdf_bytes,
    ".md": load_markdown_bytes,
    ".markdown": load_markdown_bytes,
    ".txt": load_text_bytes,
    ".text": load_text_bytes,
    ".html": load_html_bytes,
    ".htm": load_html_bytes,
    ".docx": load_docx_bytes,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS_BY_SUFFIX)


def load_file(path: Path, *, max_bytes: int) -> LoadedDocument:
    shown_path = str(path)
    suffix = path.suffix.lower()
    loader = LOADERS_BY_SUFFIX.get(suffix)
    if loader is None:
        shown_suffix = f"'{suffix}'" if suffix else "(no extension)"
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFileType(shown_path, f"unsupported file type {shown_suffix} (supported: {supported})")

    data = _read_capped(path, max_bytes)
    if not data:
        raise IngestError(shown_path, EMPTY_FILE)
    return loader(data, str(path.resolve()), path.name)


def _read_capped(path: Path, max_bytes: int) -> bytes:
    shown_path = str(path)
    try:
        if not path.is_file():
            reason = "not a file (a directory?)" if path.exists() else "file not found"
            raise IngestError(shown_path, reason)
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(shown_path, over_limit_reason("file", max_bytes, size))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise IngestError(shown_path, "cannot read the file: permission denied") from None
    except OSError as error:
        raise IngestError(shown_path, f"cannot read the file ({error.strerror or short_reason(error)})") from None
    if len(data) > max_bytes:
        raise IngestError(shown_path, over_limit_reason("file", max_bytes))
    return data
