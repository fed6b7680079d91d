"""Errors of the core that the command line and the web app turn into clear messages."""

from __future__ import annotations


class KBError(Exception):
    """Base class: the message is meant for the user as it is."""


class EmbedderMismatch(KBError):
    """The store was built by another embedder; its vectors cannot be compared with ours."""


class DocumentNotFound(KBError):
    """No document matches the reference given."""


class AmbiguousDocument(KBError):
    """A file name matches several documents; the message lists them."""


class StoreBusy(KBError):
    """Another process is writing to the embedded store."""
