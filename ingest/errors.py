"""Errors raised while reading one document.

Every failure the user can fix (a corrupt file, an encrypted PDF, undecodable text) is an
``IngestError`` carrying the file and a one-line reason, so the pipeline can report it and
move on to the next file without losing anything already stored.
"""

from __future__ import annotations


class IngestError(Exception):
    """A document could not be ingested; ``reason`` is one line a person can act on."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedFileType(IngestError):
    """The file's type is not one we read: reported under ``skipped``, not ``failed``."""
