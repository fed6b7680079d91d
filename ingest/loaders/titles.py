"""Decide whether a candidate title is worth showing, and find one in body text.

Embedded titles are often junk left by the authoring tool ("Microsoft Word - final2.docx",
"Untitled", a file name), and a junk title in a citation is worse than none: callers fall
back to the first heading-like line instead.
"""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 120
_MAX_JOINED_TITLE_CHARS = 90
"""A wrapped title is short; past this, "joined lines" are more likely a sentence."""

_WHITESPACE = re.compile(r"\s+")
_TOOL_PREFIX = re.compile(
    r"^(microsoft\s+(word|powerpoint|excel|publisher)|powerpoint\s+presentation|adobe\s+\w+)\s*[-–—:]",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(
    r"(^[^\s]+\.[a-z0-9]{2,5}$)|(\.(docx?|pdf|pptx?|xlsx?|indd|rtf|odt|txt|html?|md|tmp|qxp)$)",
    re.IGNORECASE,
)
_FILE_PATH = re.compile(r"^([a-z]:\\|/|\\\\|~/)|\\", re.IGNORECASE)
_PLACEHOLDERS = {
    "untitled",
    "untitled document",
    "document",
    "document1",
    "title",
    "no title",
    "word document",
    "presentation",
    "slide 1",
    "pdf",
    "default",
}
_PAGE_NUMBER = re.compile(r"^((page|halaman|hal\.?)\s*)?(\d+|[ivxlc]{1,6})(\s*(of|/|dari)\s*\d+)?$", re.IGNORECASE)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "januari|februari|maret|mei|juni|juli|agustus|oktober|desember"
)
_DATE_ONLY = re.compile(rf"^(\d{{1,2}}(st|nd|rd|th)?\s+)?({_MONTHS})\s+\d{{4}}$", re.IGNORECASE)
_CONNECTIVE_END = re.compile(
    r"\b(of|and|for|in|on|the|to|a|an|with|at|by|from|dan|di|untuk|tentang|dari|ke|pada|yang)$",
    re.IGNORECASE,
)


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def meaningful_title(candidate: str | None) -> str | None:
    """Return the cleaned title, or None when it is empty, a placeholder or a file name."""
    if not candidate:
        return None
    title = collapse_whitespace(candidate)
    if not title or len(title) > 300 or not any(ch.isalpha() for ch in title):
        return None
    if title.lower() in _PLACEHOLDERS or _TOOL_PREFIX.match(title):
        return None
    if _FILE_NAME.search(title) or _FILE_PATH.search(title):
        return None
    return title


def _is_heading_like(line: str) -> bool:
    if not line or len(line) > MAX_TITLE_CHARS or not any(ch.isalpha() for ch in line):
        return False
    return not (_PAGE_NUMBER.match(line) or _DATE_ONLY.match(line))


def first_heading_like_line(text: str, *, join_wrapped: bool = False) -> str | None:
    """The first short line with letters that is not a page number or a bare date.

    With ``join_wrapped`` (for PDFs, where a title is often wrapped over two or three lines:
    "Evaluation of IOM Accountability / to Affected Populations") the following lines are
    joined while the title visibly continues: the line ends on a connective word or the next
    one starts in lower case.
    """
    lines = [collapse_whitespace(line) for line in text.splitlines()]
    for index, line in enumerate(lines):
        if not _is_heading_like(line):
            continue
        title = line
        if join_wrapped:
            for following in lines[index + 1 : index + 4]:
                continues = _CONNECTIVE_END.search(title) or following[:1].islower()
                if not following or not continues or len(title) + 1 + len(following) > _MAX_JOINED_TITLE_CHARS:
                    break
                title = f"{title} {following}"
        return title
    return None
