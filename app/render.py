"""Everything the web app shows from a document or a visitor, turned into safe Markdown or HTML.

Documents come from outside and questions from anyone: their text may hold markup (`<script>`,
`<img onerror=...>`, Markdown that smuggles HTML or `javascript:` links) that must never run in a
visitor's browser. So every piece of such text passes through ``escape_html`` or
``escape_markdown`` here, and only markup built by this module (from escaped pieces) reaches
the page. The chat renders Markdown, the sources panel and the console tables are HTML.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from app.i18n import language_label, text

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$=^\"'])")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_ELLIPSIS = " …"


def escape_html(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def escape_markdown(value: str) -> str:
    """Text that Markdown shows as typed: no HTML, no link, no emphasis, no list or heading.

    HTML-escaped first (so `<` can never open a tag, even one Markdown would pass through), then
    every ASCII punctuation mark Markdown gives a meaning to is backslash-escaped.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(value or "", quote=False))


def source_anchor(n: int) -> str:
    """The id of source [n] in the sources panel, which the answer's [n] markers link to."""
    return f"kb-src-{int(n)}"


def answer_markdown(answer_text: str, cited: Iterable[int] = (), *, referral: str | None = None,
                    referral_title: str = "") -> str:
    """The chat message of an answer: escaped text whose [n] markers link to source n.

    A marker that names no citation of the answer stays plain text. A safety referral notice,
    when there is one, comes first as a quoted block, so that it is the first thing read.
    """
    numbers = set(cited)
    parts = []
    position = 0
    for match in _MARKER.finditer(answer_text or ""):
        parts.append(escape_markdown(answer_text[position : match.start()]))
        n = int(match.group(1))
        if n in numbers:
            parts.append(f"[\\[{n}\\]](#{source_anchor(n)})")
        else:
            parts.append(escape_markdown(match.group(0)))
        position = match.end()
    parts.append(escape_markdown((answer_text or "")[position:]))
    body = "".join(parts)
    if referral:
        lines = [escape_markdown(line.strip()) for line in referral.splitlines() if line.strip()]
        if referral_title:
            lines.insert(0, f"**{escape_markdown(referral_title)}**")
        body = "\n".join(f"> {line}" for line in lines) + f"\n\n{body}"
    return body


def referral_html(referral: str | None, language: str) -> str:
    """The safety referral as a banner beside the chat (escaped; empty when there is none)."""
    if not referral:
        return ""
    lines = "".join(f"<p>{escape_html(line)}</p>" for line in referral.splitlines() if line.strip())
    return (
        "<div class='kb-referral' role='alert'>"
        f"<p><b>{escape_html(text(language, 'referral_title'))}</b></p>{lines}</div>"
    )


def highlighted_passage(passage: str, highlights: Sequence[str]) -> str:
    """The passage, escaped, with the sentences the answer quotes wrapped in <mark>.

    Sentences are found in the passage with its whitespace normalised, as the answerer quotes
    them; a quoted sentence cut short (ending in "…") is matched by what precedes the cut.
    """
    flat = " ".join((passage or "").split())
    spans: list[tuple[int, int]] = []
    for sentence in highlights:
        needle = " ".join((sentence or "").split())
        if needle.endswith(_ELLIPSIS.strip()):
            needle = needle[: -len(_ELLIPSIS.strip())].rstrip()
        if not needle:
            continue
        start = flat.find(needle)
        if start >= 0:
            spans.append((start, start + len(needle)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    out, position = [], 0
    for start, end in merged:
        out.append(escape_html(flat[position:start]))
        out.append(f"<mark>{escape_html(flat[start:end])}</mark>")
        position = end
    out.append(escape_html(flat[position:]))
    return "".join(out)


def document_link(citation: dict, has_copy: bool) -> str | None:
    """Where the source opens: the app's own copy of the file (at the page, for a PDF), or a web
    page's own http(s) address; None when neither exists."""
    page = citation.get("page")
    if has_copy:
        url = f"files/{quote(str(citation['doc_id']), safe='')}/{quote(str(citation['source']), safe='')}"
        if page and str(citation.get("source", "")).lower().endswith(".pdf"):
            url += f"#page={int(page)}"
        return url
    path = str(citation.get("path") or "")
    if urlsplit(path).scheme in ("http", "https"):
        return path
    return None


def sources_html(citations: Sequence[dict], language: str, *, has_copy=lambda citation: False,
                 answered: bool | None = None, turns: int = 0) -> str:
    """The sources panel: per citation its title, page or section, language, the passage with
    the quoted sentences highlighted, and a link to the document.

    ``turns`` (the answers given so far) is kept as an attribute: it changes with every answer,
    even one with the same sources, which tells a watcher (a browser test) the answer is complete.
    """
    opening = f"<div class='kb-sources{{}}' data-turns='{int(turns)}'>"
    if answered is None and not citations:
        return opening.format(" kb-empty") + f"<p>{escape_html(text(language, 'sources_empty'))}</p></div>"
    if not citations:
        return opening.format(" kb-empty") + f"<p>{escape_html(text(language, 'sources_none'))}</p></div>"
    blocks = []
    for citation in citations:
        n = int(citation["n"])
        where = []
        if citation.get("page"):
            where.append(text(language, "page", page=int(citation["page"])))
        if citation.get("section"):
            where.append(str(citation["section"]))
        meta = [str(citation.get("source") or ""), *where, text(language, "doc_language",
                                                              lang=language_label(language, citation.get("lang")))]
        notes = []
        if citation.get("note"):
            notes.append(f"<p class='kb-note'>{escape_html(citation['note'])}</p>")
        if citation.get("ocr"):
            notes.append(f"<p class='kb-note'>{escape_html(text(language, 'ocr_note'))}</p>")
        link = document_link(citation, has_copy(citation))
        link_html = ""
        if link:
            label = (text(language, "open_document_page", page=int(citation["page"])) if citation.get("page")
                     else text(language, "open_document"))
            link_html = (f"<p><a class='kb-open' href='{escape_html(link)}' target='_blank' "
                         f"rel='noopener noreferrer'>{escape_html(label)} ↗</a></p>")
        blocks.append(
            f"<div class='kb-source' id='{source_anchor(n)}'>"
            f"<p class='kb-source-title'><span class='kb-n'>[{n}]</span> <b>{escape_html(citation.get('title'))}</b></p>"
            f"<p class='kb-meta'>{escape_html(' · '.join(part for part in meta if part))}</p>"
            + "".join(notes)
            + f"<blockquote class='kb-passage'>{highlighted_passage(citation.get('text', ''), citation.get('highlights') or [])}</blockquote>"
            + link_html
            + "</div>"
        )
    return opening.format("") + "".join(blocks) + "</div>"


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str = "—") -> str:
    """A table with every header and cell escaped."""
    head = "".join(f"<th>{escape_html(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape_html(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    if not body:
        body = f"<tr><td colspan='{len(headers)}'>{escape_html(empty)}</td></tr>"
    return f"<div class='kb-table'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def _retriever_cell(retrievers: dict, name: str) -> str:
    found = retrievers.get(name)
    if not found:
        return "—"
    return f"#{int(found['rank'])} ({float(found['score']):.3f})"


def hits_table(hits: Sequence[Any]) -> str:
    """Retrieved hits with the rank and score each retriever gave them (the console's retrieval view)."""
    rows = []
    for rank, hit in enumerate(hits, start=1):
        where = f"p. {hit.page}" if hit.page else (hit.section or "")
        rows.append((rank, f"{hit.score:.4f}", _retriever_cell(hit.retrievers, "dense"),
                     _retriever_cell(hit.retrievers, "sentence"), _retriever_cell(hit.retrievers, "lexical"),
                     hit.title, hit.source, where, hit.lang or "", _shorten(hit.text, 280)))
    return html_table(["#", "fused score", "dense rank (score)", "best-sentence rank (score)", "lexical rank (score)",
                       "title", "source", "page / section", "lang", "passage"], rows, empty="no hits / tidak ada hasil")


def _shorten(value: str, width: int) -> str:
    flat = " ".join((value or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
