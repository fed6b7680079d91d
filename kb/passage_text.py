"""The text a chunk is embedded from: its document's title and its section heading, then the chunk.

A chunk cut from the middle of a statute or report rarely names what it is about: "Pasal 14"
or "(a) He has completed three years' residence" says nothing of refugees or of the law it
belongs to. A question does name it ("Konvensi Pengungsi 1951", "UU 18/2017"), and across
languages the embedder has little else to go on. Putting the title and heading in front of
the embedded text (the stored text, which citations quote, stays the chunk alone) raised
crossed-language document Recall@5 on our question set from 0.70 to 0.80 and passage
Recall@5 from 0.60 to 0.70 (docs/benchmarks.md, "Retrieval").

Ingestion, reindexing and a change of title (kb.documents.set_metadata) all embed through here,
from the fields the chunk's metadata keeps, so they give exactly the vectors a fresh ingestion
would.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PASSAGE_TEXT_FORMAT = "title-section-v1"
"""Recorded on the chunks collection: a store embedded without headers says otherwise, and
`kb reindex` brings it up to date."""

ALREADY_SAID_WITHIN = 200
"""A title or heading the chunk already states in its first characters is not repeated."""


def embedding_text(text: str, metadata: Mapping[str, Any]) -> str:
    """``title``, ``section`` and ``text`` on separate lines, leaving out what the text already opens with."""
    opening = text[:ALREADY_SAID_WITHIN]
    header = []
    for field in ("title", "section"):
        value = str(metadata.get(field) or "").strip()
        if value and value not in opening and value not in header:
            header.append(value)
    return "\n".join([*header, text])
