"""Stable identifiers for documents and chunks.

A document is identified by where it came from (absolute path or URL), so re-ingesting the
same path updates it instead of adding a second copy. A chunk id includes the content version,
so the chunks of an old and a new version of a document never collide while both are stored.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlparse


def is_url(location: str) -> bool:
    return urlparse(location).scheme in ("http", "https")


def canonical_location(location: str | Path) -> str:
    """Absolute, symlink-free path for files; the URL as given for web pages."""
    text = str(location)
    return text if is_url(text) else str(Path(text).expanduser().resolve())


def doc_id_for(location: str | Path) -> str:
    """16 hex characters derived from the canonical location."""
    return hashlib.sha256(canonical_location(location).encode("utf-8")).hexdigest()[:16]


def version_of(sha256: str) -> str:
    """The part of a content hash that tags chunks of one version."""
    return sha256[:16]


def chunk_id_for(doc_id: str, version: str, position: int) -> str:
    return f"{doc_id}-{version}-{position:05d}"


def source_name(location: str) -> str:
    """File name, or the last non-empty URL path segment (the host when there is none)."""
    if is_url(location):
        parsed = urlparse(location)
        segments = [part for part in parsed.path.split("/") if part]
        return segments[-1] if segments else parsed.netloc
    return Path(location).name


def sha256_of_file(path: Path, block_size: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(block_size):
            digest.update(block)
    return digest.hexdigest()


def sha256_of_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
