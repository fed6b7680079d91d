"""Small facts shared by every loader: error wording and size formatting.

The reasons here are shown to users verbatim, so they live in one place and read the same
whichever loader raised them.
"""

from __future__ import annotations

from ingest.errors import IngestError

EMPTY_FILE = "empty file"


def describe_size(size_in_bytes: int) -> str:
    """Human size in the unit KB_MAX_FILE_MB speaks (MB), falling back for tiny limits."""
    if size_in_bytes >= 100 * 1024:
        return f"{size_in_bytes / (1024 * 1024):.1f} MB"
    if size_in_bytes >= 1024:
        return f"{size_in_bytes / 1024:.1f} KB"
    return f"{size_in_bytes} bytes"


def over_limit_reason(subject: str, limit_bytes: int, size_in_bytes: int | None = None) -> str:
    """ "file is 120.0 MB, over the 50.0 MB limit (KB_MAX_FILE_MB)"; the size when known."""
    size = f" {describe_size(size_in_bytes)}," if size_in_bytes is not None else ""
    return f"{subject} is{size} over the {describe_size(limit_bytes)} limit (KB_MAX_FILE_MB)"


def short_reason(error: BaseException, max_chars: int = 120) -> str:
    """One line from a library exception, so a user-facing reason never spans a traceback."""
    message = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "…"


def require_text(text: str, path: str) -> None:
    """Refuse whitespace-only content: an empty document would only add noise to the index."""
    if not text.strip():
        raise IngestError(path, EMPTY_FILE)
