"""Document loaders: files and URLs in, ``LoadedDocument`` of ``Section``s out.

Every failure a user can act on is raised as ``IngestError`` (``UnsupportedFileType`` for
types we do not read) with a one-line reason meant to be shown verbatim. Each format module
also has a ``load_<format>_bytes(data, path, source)`` that works on bytes in memory.
"""

from __future__ import annotations

from ingest.loaders.files import SUPPORTED_SUFFIXES, load_file
from ingest.loaders.web import load_url

__all__ = ["SUPPORTED_SUFFIXES", "load_file", "load_url"]
