"""Bytes to text for the plain-text formats (.txt, .md), refusing binary data.

Most inputs are UTF-8, but documents saved by older Windows tools arrive as cp1252 or
latin-1, and a guessed encoding that is wrong silently corrupts every accented word. So a
fallback guess from charset-normalizer is accepted only when it decodes cleanly, and among
equally clean guesses the Western-European code pages win: our corpus is English and
Bahasa Indonesia, and the look-alike Central/Baltic pages (cp1250, cp1257) differ only in
letters those languages never use.
"""

from __future__ import annotations

import codecs

import charset_normalizer

from ingest.errors import IngestError

BINARY_DATA = "binary data, not text"
UNKNOWN_ENCODING = "cannot decode text (not UTF-8, encoding unknown)"

_MAX_CHAOS = 0.2
"""charset-normalizer's "mess" ratio above which a decoding is treated as a guess, not a fact."""

_MAX_CONTROL_BYTE_RATIO = 0.01
_TOLERATED_CONTROL_BYTES = {0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B}
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in _TOLERATED_CONTROL_BYTES) + b"\x7f"
_PREFERRED_FALLBACKS = ("cp1252", "latin_1", "iso8859_15")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes, path: str) -> tuple[str, str | None]:
    """Return the text and, when it was not UTF-8, the encoding used to read it."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise IngestError(path, UNKNOWN_ENCODING) from None
            return text, (None if encoding == "utf-8" else encoding)

    if looks_binary(data):
        raise IngestError(path, BINARY_DATA)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    return _decode_with_detection(data, path)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or more than a trace of control bytes: no text encoding we accept has them."""
    if b"\x00" in data:
        return True
    control_count = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return control_count > _MAX_CONTROL_BYTE_RATIO * len(data)


_MAX_NON_ASCII_RATIO = 0.1
"""In a Western text read as cp1252, accented letters and typographic quotes are a small minority."""


def _decode_with_detection(data: bytes, path: str) -> tuple[str, str]:
    """A detected encoding, accepted only when the result reads as some language.

    A clean decoding alone proves little: any byte soup "decodes" cleanly in some East Asian
    double-byte code page. So a guess must also be coherent text in a language the detector
    knows, or else be mostly ASCII, read as cp1252 (short Western texts with a few accents,
    too short for the language check).
    """
    candidates = [
        match
        for match in charset_normalizer.from_bytes(data)
        if match.chaos <= _MAX_CHAOS and match.coherence > 0 and not match.encoding.startswith(("utf_16", "utf_32"))
    ]
    if not candidates:
        return _mostly_ascii_cp1252(data, path)
    least_chaos = min(match.chaos for match in candidates)
    cleanest = [match for match in candidates if match.chaos <= least_chaos + 0.01]
    preferred = [match for match in cleanest if match.encoding in _PREFERRED_FALLBACKS]
    chosen = min(preferred, key=lambda m: _PREFERRED_FALLBACKS.index(m.encoding)) if preferred else cleanest[0]
    return str(chosen), chosen.encoding


def _mostly_ascii_cp1252(data: bytes, path: str) -> tuple[str, str]:
    non_ascii = sum(1 for byte in data if byte >= 0x80)
    if non_ascii > _MAX_NON_ASCII_RATIO * len(data):
        raise IngestError(path, UNKNOWN_ENCODING)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise IngestError(path, UNKNOWN_ENCODING) from None
    if not all(char.isalpha() or char in "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a0\u00b0\u00a9" for char in text if ord(char) >= 0x80):
        raise IngestError(path, UNKNOWN_ENCODING)
    return text, "cp1252"
