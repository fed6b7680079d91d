"""HTML pages: the readable content only, one section per heading block.

Web pages wrap a little content in a lot of chrome (menus, banners, cookie notices), and
that chrome repeats on every page of a site: indexed, it would crowd the real answers out
of search results. So the page is pruned before reading, the <main> or single <article>
is preferred when present, and the text is rebuilt from the DOM (never from raw markup) so
that tags, scripts and entities cannot leak into what the chatbot quotes.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.document import LoadedDocument, Section
from ingest.errors import IngestError
from ingest.loaders.common import EMPTY_FILE
from ingest.loaders.sections import SectionBuilder
from ingest.loaders.titles import collapse_whitespace, meaningful_title

NO_READABLE_TEXT = "no readable text in the page (only navigation, scripts or markup)"

_REMOVED_TAGS = (
    "script", "style", "noscript", "template", "nav", "footer", "aside", "form", "button",
    "select", "textarea", "input", "iframe", "object", "embed", "svg", "canvas", "dialog",
)  # fmt: skip
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
_BOILERPLATE_TOKENS = {
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "footer", "sidebar",
    "cookie", "cookies", "consent",
}  # fmt: skip
_CONTENT_CONTAINERS = ("main", "article")
_HEADING_LEVELS = {f"h{level}": level for level in range(1, 7)}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "ul", "ol", "dl", "table", "thead",
    "tbody", "tfoot", "blockquote", "figure", "address", "hr", "details", "center", "body",
}  # fmt: skip
"""Blocks that stand apart: a line break before and after, so paragraphs stay visible."""
_LINE_TAGS = {"li", "tr", "dt", "dd", "caption", "figcaption", "summary"}
"""Items of a list or table: one per line, without a blank line between them."""
_CELL_TAGS = {"td", "th"}
_CELL_SEPARATOR = " | "
_TOKEN_SPLIT = re.compile(r"[-_\s]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_INLINE_WHITESPACE = re.compile(r"[ \t\f\v\r\n\u00a0]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def load_html_bytes(data: bytes, path: str, source: str, *, encoding: str | None = None) -> LoadedDocument:
    """``encoding`` is the charset a server declared; without it the page's own <meta> decides."""
    if not data.strip():
        raise IngestError(path, EMPTY_FILE)
    soup = BeautifulSoup(data, "lxml", from_encoding=encoding)
    head_title = meaningful_title(soup.title.get_text() if soup.title else None)
    og_title = meaningful_title(_meta_content(soup, property="og:title"))
    metadata = _page_metadata(soup)

    _remove_boilerplate(soup)
    root = _content_root(soup)
    sections = _read_sections(root)
    if not sections:
        raise IngestError(path, NO_READABLE_TEXT)

    first_h1 = root.find("h1")
    h1_title = meaningful_title(first_h1.get_text(" ")) if first_h1 else None
    return LoadedDocument(
        path=path,
        source=source,
        file_type="html",
        sections=sections,
        title=head_title or og_title or h1_title,
        metadata=metadata,
    )


def _meta_content(soup: BeautifulSoup, **attributes: str) -> str | None:
    tag = soup.find("meta", attrs=attributes)
    content = tag.get("content") if tag else None
    return collapse_whitespace(content) if isinstance(content, str) and content.strip() else None


def _page_metadata(soup: BeautifulSoup) -> dict[str, str]:
    metadata: dict[str, str] = {}
    description = _meta_content(soup, name="description") or _meta_content(soup, property="og:description")
    if description:
        metadata["description"] = description
    author = _meta_content(soup, name="author")
    if author:
        metadata["author"] = author
    published = _meta_content(soup, property="article:published_time") or _meta_content(soup, name="date")
    if published and _ISO_DATE.match(published):
        metadata["date"] = published[:10]
    html_tag = soup.find("html")
    language = html_tag.get("lang") if html_tag else None
    if isinstance(language, str) and language.strip():
        metadata["language"] = language.strip()
    return metadata


def _remove_boilerplate(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(_REMOVED_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_boilerplate(tag):
            tag.decompose()


def _is_boilerplate(tag: Tag) -> bool:
    if tag.name in ("html", "head", "body", "title", "meta", *_CONTENT_CONTAINERS):
        return False
    if tag.name == "header":
        # A page banner is chrome, but an <article>'s own <header> holds its title and byline.
        return tag.find_parent(_CONTENT_CONTAINERS) is None
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    style = tag.get("style")
    if isinstance(style, str) and _HIDDEN_STYLE.search(style):
        return True
    role = tag.get("role")
    if isinstance(role, str) and role.strip().lower() in _BOILERPLATE_ROLES:
        return True
    if not _has_boilerplate_token(tag):
        return False
    # A layout wrapper such as <div class="with-sidebar"> may enclose the content itself.
    return tag.find(_CONTENT_CONTAINERS) is None and tag.find(attrs={"role": "main"}) is None


def _class_and_id(tag: Tag) -> str:
    classes = tag.get("class") or []
    class_text = " ".join(classes) if isinstance(classes, list) else str(classes)
    element_id = tag.get("id")
    return f"{class_text} {element_id if isinstance(element_id, str) else ''}"


def _has_boilerplate_token(tag: Tag) -> bool:
    tokens = set(_TOKEN_SPLIT.split(_class_and_id(tag).lower()))
    return not tokens.isdisjoint(_BOILERPLATE_TOKENS)


def _content_root(soup: BeautifulSoup) -> Tag:
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main:
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


def _read_sections(root: Tag) -> list[Section]:
    """Walk the DOM in order; headings start sections, blocks and cells become line breaks.

    Iterative rather than recursive because real pages nest deeply enough to hit Python's
    recursion limit.
    """
    builder = SectionBuilder()
    parts: list[str] = []

    def flush() -> None:
        builder.add_text(_tidy_lines("".join(parts)).strip("\n"))
        parts.clear()

    stack: list[tuple[Tag | NavigableString, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            parts.append("\n")
            continue
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a Comment, CData, Doctype or script text
                parts.append(_INLINE_WHITESPACE.sub(" ", str(node)))
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in _HEADING_LEVELS:
            heading = collapse_whitespace(node.get_text(" "))
            if heading:
                flush()
                builder.start_heading(_HEADING_LEVELS[name], heading)
            continue
        if name == "br":
            parts.append("\n")
            continue
        if name == "pre":
            parts.append("\n" + node.get_text() + "\n")
            continue
        if name in _CELL_TAGS:
            parts.append(_CELL_SEPARATOR)
        elif name in _LINE_TAGS:
            stack.append((node, True))
        elif name in _BLOCK_TAGS:
            parts.append("\n")
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.children)))
    flush()
    return builder.finish()


def _tidy_lines(text: str) -> str:
    lines = []
    for line in text.split("\n"):
        line = line.strip().strip("|").strip()
        lines.append(re.sub(r" {2,}", " ", line))
    return "\n".join(lines)
