"""Markdown files: one section per ATX heading block, with the heading path kept.

Only ATX headings (``#`` to ``######``) delimit sections; the corpus uses nothing else.
Two lenient readings follow the real inputs rather than CommonMark: a heading with no space
after the hashes (``##Verdrag ...``, as in the converted treaty texts) still counts when a
letter follows, and a lone ``<meta ...>`` line (an HTML leftover in the same files) is
dropped. Body text is kept as written: the markup is light and cleaning happens later.
"""

from __future__ import annotations

import re

from ingest.document import LoadedDocument
from ingest.errors import IngestError
from ingest.loaders.common import EMPTY_FILE
from ingest.loaders.decoding import decode_text
from ingest.loaders.sections import SectionBuilder
from ingest.loaders.titles import collapse_whitespace

_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|(?=[^\W\d_]))(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_META_TAG_LINE = re.compile(r"^\s*<meta\b[^>]*>\s*$", re.IGNORECASE)
_PROVENANCE = re.compile(r"^Source:\s*\S")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS_UNDERSCORES = re.compile(r"(^|\s)_+|_+(\s|$)")
MAX_TITLE_CANDIDATES = 3
"""Opening headings kept as other possible titles: a translated name comes right after the first."""


def load_markdown_bytes(data: bytes, path: str, source: str) -> LoadedDocument:
    text, encoding = decode_text(data, path)
    document = load_markdown_string(text, path, source)
    if encoding:
        document.metadata["encoding"] = encoding
    return document


def load_markdown_string(text: str, path: str, source: str) -> LoadedDocument:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    metadata: dict[str, str] = {}
    provenance, lines = _split_provenance(lines)
    if provenance:
        metadata["provenance"] = provenance

    builder = SectionBuilder()
    top_headings: list[str] = []
    opening_headings: list[str] = []
    text_seen = False
    open_fence: str | None = None
    for line in lines:
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if open_fence is None:
                open_fence = marker
            elif marker[0] == open_fence[0] and len(marker) >= len(open_fence):
                open_fence = None
            builder.add_text(line)
            continue
        heading = None if open_fence else _ATX_HEADING.match(line)
        if heading:
            title = _plain_heading(heading.group(2))
            if title:
                level = len(heading.group(1))
                builder.start_heading(level, title)
                if level == 1:
                    top_headings.append(title)
                if not text_seen:
                    opening_headings.append(title)
                continue
        if not open_fence and _META_TAG_LINE.match(line):
            continue
        text_seen = text_seen or bool(line.strip())
        builder.add_text(line)

    sections = builder.finish()
    if not sections:
        raise IngestError(path, EMPTY_FILE)
    title = _document_title(top_headings, opening_headings[0] if opening_headings else None)
    return LoadedDocument(
        path=path,
        source=source,
        file_type="md",
        sections=sections,
        title=title,
        title_candidates=[heading for heading in opening_headings if heading != title][:MAX_TITLE_CANDIDATES],
        metadata=metadata,
    )


def _document_title(top_headings: list[str], opening_heading: str | None) -> str | None:
    """The one level-1 heading names the document; several ("# Objective 1" ... "# Objective 23")
    are its parts, and none of them is the document's title. Without one, the heading the
    document opens with is its title; a first heading that comes after paragraphs of text
    ("## History" in an encyclopedia article) names a section, and the file name says more."""
    if len(top_headings) == 1:
        return top_headings[0]
    return None if top_headings else opening_heading


def _split_provenance(lines: list[str]) -> tuple[str | None, list[str]]:
    """Our sample corpus opens each file with "Source: ..." and a blank line: metadata, not text."""
    if lines and _PROVENANCE.match(lines[0]) and (len(lines) == 1 or not lines[1].strip()):
        return lines[0].strip(), lines[2:]
    return None, lines


def _plain_heading(raw: str) -> str:
    """Heading text without link and emphasis markup, as it should read in a citation."""
    text = _LINK.sub(r"\1", raw)
    text = text.replace("*", "").replace("`", "")
    text = _EMPHASIS_UNDERSCORES.sub(lambda m: f"{m.group(1) or ''}{m.group(2) or ''}", text)
    return collapse_whitespace(text)
