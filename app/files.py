"""Serving the knowledge base's own copies of ingested files, for source links.

A source link names a document (``doc_id``) and its file name; the app answers only with the
copy ingestion kept at ``<files_dir>/<doc_id>/<source>`` (kb.documents.file_copy_dir). Nothing
else on the machine can be reached through it, whatever the URL holds: ``..`` (plain or
percent-encoded), absolute paths, separators inside the name and symlinks planted in the folder
are all refused with the same 404, which tells a prober nothing.

What is served must not run in the visitor's browser either: a stored HTML page is sent with a
sandboxing Content-Security-Policy (no scripts, no same-origin access), text formats as plain
text, and unknown types as downloads.
"""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from kb.documents import file_copy_dir
from kb.settings import Settings

_DOC_ID = re.compile(r"^[0-9a-f]{16}$")
_INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".markdown": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
}
_DOWNLOAD_TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def document_copy(settings: Settings, doc_id: str, name: str) -> Path | None:
    """The kept copy of document ``doc_id`` named ``name``, or None when the request names
    anything else."""
    if not _DOC_ID.match(doc_id or ""):
        return None
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        return None
    root = settings.resolved_files_dir
    try:
        folder = file_copy_dir(settings, doc_id)
        candidate = folder / name
        if candidate.is_symlink() or folder.is_symlink():
            return None
        resolved = candidate.resolve(strict=True)
        if resolved.parent != folder.resolve(strict=True) or not resolved.is_relative_to(root.resolve(strict=True)):
            return None
        if not resolved.is_file():
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return resolved


def has_copy(settings: Settings, citation: dict) -> bool:
    return document_copy(settings, str(citation.get("doc_id") or ""), str(citation.get("source") or "")) is not None


def add_file_route(app: FastAPI, settings: Settings, prefix: str = "/files") -> None:
    """``GET {prefix}/{doc_id}/{name}``: the document copy, or 404."""

    @app.get(prefix + "/{doc_id}/{name:path}", include_in_schema=False)
    def document_file(doc_id: str, name: str):
        path = document_copy(settings, doc_id, name)
        if path is None:
            raise HTTPException(status_code=404, detail="not found")
        suffix = path.suffix.lower()
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=300"}
        if suffix in _INLINE_TYPES:
            media_type = _INLINE_TYPES[suffix]
            disposition = "inline"
            if suffix != ".pdf":
                headers["Content-Security-Policy"] = _SANDBOX
        else:
            media_type = _DOWNLOAD_TYPES.get(suffix, "application/octet-stream")
            disposition = "attachment"
            headers["Content-Security-Policy"] = _SANDBOX
        return FileResponse(path, media_type=media_type, headers=headers, filename=path.name,
                            content_disposition_type=disposition)
