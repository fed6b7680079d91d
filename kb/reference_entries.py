"""Bibliography entries inside a passage, so that the default answerer does not quote them.

A report's reference list is retrieved like any other text (a question about Hong Kong's domestic
helpers finds "Outsourcing Household Production: Foreign Domestic Workers and Native Labor Supply
in Hong Kong."), but an entry names a work; it states nothing. Entries are recognised by their
author-date opening, the form of the reports in the collection: "Tan, S., and H. Y. Tay. 2022.
“Title.” Journal" or "Smith, J. (2020). Title.". An entry runs to the next blank line, which
takes in its link or journal on a line of their own.
"""

from __future__ import annotations

import re

_AUTHOR_DATE = re.compile(r"^[A-Z][^\n]{0,150}?[.)]\s(?:19|20)\d\d[a-z]?\.\s")
"""Authors (or an issuing body) ending in a full stop, then the year and a full stop."""
_AUTHOR_BRACKETED_DATE = re.compile(r"^[A-Z][\w’'‐-]+,\s[^\n]{0,100}?\((?:19|20)\d\d[a-z]?\)\.\s")
"""A surname and a comma, initials, then the year in brackets and a full stop."""
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def reference_entries(text: str) -> list[str]:
    """The paragraphs of ``text`` that are bibliography entries, whitespace collapsed."""
    entries = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        opening = paragraph.strip()
        if _AUTHOR_DATE.match(opening) or _AUTHOR_BRACKETED_DATE.match(opening):
            entries.append(" ".join(opening.split()))
    return entries


def within_entries(sentence: str, entries: list[str]) -> bool:
    """Whether a candidate sentence (kb.sentences, perhaps cut short with " …") is part of one of ``entries``."""
    core = sentence.removesuffix(" …")
    return any(core in entry for entry in entries)
