"""Documents fetched over HTTP(S), read by the same loaders as files.

The body is streamed and abandoned as soon as it passes ``max_bytes``, so a huge or endless
response cannot exhaust memory; ``timeout`` is httpx's per-operation timeout (connect, and
each read), so a server that stalls is given up on, while a large file arriving steadily is
not cut off mid-download.

The Content-Type decides the loader. When a server sends a generic type
(application/octet-stream, or none), the URL's file suffix decides instead, and a PDF is
still recognised by its "%PDF-" signature.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import httpx

from ingest.document import LoadedDocument
from ingest.errors import IngestError, UnsupportedFileType
from ingest.loaders.common import over_limit_reason, short_reason
from ingest.loaders.decoding import BINARY_DATA, looks_binary
from ingest.loaders.docx import load_docx_bytes
from ingest.loaders.html import load_html_bytes
from ingest.loaders.markdown import load_markdown_bytes, load_markdown_string
from ingest.loaders.pdf import load_pdf_bytes
from ingest.loaders.text import load_text_bytes, load_text_string

_MAX_REDIRECTS = 10
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_PDF_TYPES = {"application/pdf", "application/x-pdf"}
_TEXT_TYPES = {"text/plain"}
_MARKDOWN_TYPES = {"text/markdown", "text/x-markdown"}
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download"}
_SUFFIX_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".docx": _DOCX_TYPE,
}
_SUPPORTED_TYPES_TEXT = "HTML, PDF, plain text, Markdown, DOCX"


def load_url(url: str, *, timeout: float, max_bytes: int) -> LoadedDocument:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise IngestError(url, "not a web address: only http:// and https:// URLs can be fetched")
    source = _display_name(url)
    body, content_type, charset = _fetch(url, timeout=timeout, max_bytes=max_bytes)
    if not body.strip():
        raise IngestError(url, "empty response")
    return _load_body(body, url, source, _effective_type(content_type, url, body), charset)


def _display_name(url: str) -> str:
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    return unquote(segments[-1]) if segments else (parts.hostname or url)


def _fetch(url: str, *, timeout: float, max_bytes: int) -> tuple[bytes, str, str | None]:
    """Return the body, its media type (lower case, no parameters) and declared charset."""
    try:
        with httpx.Client(follow_redirects=True, max_redirects=_MAX_REDIRECTS, timeout=timeout) as client:
            with client.stream("GET", url) as response:
                if response.status_code >= 400:
                    reason = response.reason_phrase or "error"
                    raise IngestError(url, f"the server answered HTTP {response.status_code} {reason}".rstrip())
                declared_length = response.headers.get("content-length", "")
                if declared_length.isdigit() and int(declared_length) > max_bytes:
                    raise IngestError(url, over_limit_reason("the response", max_bytes, int(declared_length)))
                body = bytearray()
                for chunk in response.iter_bytes():
                    body.extend(chunk)
                    if len(body) > max_bytes:
                        raise IngestError(url, over_limit_reason("the response", max_bytes))
                content_type = response.headers.get("content-type", "")
                return bytes(body), _media_type(content_type), response.charset_encoding
    except httpx.TimeoutException:
        raise IngestError(url, f"no response within {timeout:g} s (timed out)") from None
    except httpx.TooManyRedirects:
        raise IngestError(url, f"too many redirects (more than {_MAX_REDIRECTS})") from None
    except httpx.ConnectError as error:
        raise IngestError(url, f"cannot connect to {urlsplit(url).hostname} ({short_reason(error)})") from None
    except httpx.HTTPError as error:
        raise IngestError(url, f"download failed ({short_reason(error)})") from None


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _effective_type(content_type: str, url: str, body: bytes) -> str:
    if content_type not in _GENERIC_TYPES:
        return content_type
    if body.lstrip()[:5] == b"%PDF-":
        return "application/pdf"
    suffix = posixpath.splitext(urlsplit(url).path)[1].lower()
    return _SUFFIX_TYPES.get(suffix, content_type)


def _load_body(body: bytes, url: str, source: str, content_type: str, charset: str | None) -> LoadedDocument:
    if content_type in _HTML_TYPES:
        return load_html_bytes(body, url, source, encoding=charset)
    if content_type in _PDF_TYPES:
        return load_pdf_bytes(body, url, source)
    if content_type == _DOCX_TYPE:
        return load_docx_bytes(body, url, source)
    if content_type in _TEXT_TYPES or content_type in _MARKDOWN_TYPES:
        is_markdown = content_type in _MARKDOWN_TYPES or source.lower().endswith((".md", ".markdown"))
        if charset:
            text = _decode_declared(body, charset, url)
            return load_markdown_string(text, url, source) if is_markdown else load_text_string(text, url, source)
        return load_markdown_bytes(body, url, source) if is_markdown else load_text_bytes(body, url, source)
    shown = content_type or "none"
    raise UnsupportedFileType(url, f"unsupported content type '{shown}' (supported: {_SUPPORTED_TYPES_TEXT})")


def _decode_declared(body: bytes, charset: str, url: str) -> str:
    if looks_binary(body):
        raise IngestError(url, BINARY_DATA)
    if charset.lower().replace("-", "").replace("_", "") == "utf8":
        charset = "utf-8-sig"  # a declared UTF-8 body may still open with a BOM
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        raise IngestError(url, f"cannot decode text (the server declared charset '{charset}')") from None
