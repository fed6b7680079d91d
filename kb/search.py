"""Dense retrieval over the committed chunks of the knowledge base.

Only chunks whose version belongs to a registry record are searched, which is what
keeps a half-ingested document (or the old version of an updated one) out of the results.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from kb.embeddings import KBEmbeddings
from kb.store import KnowledgeStore


@dataclass
class SearchFilters:
    """Restrict a search to some documents, languages or file types (empty means no restriction)."""

    doc_ids: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    file_types: list[str] = field(default_factory=list)


@dataclass
class SearchHit:
    """One retrieved chunk in the `kb search --json` shape (DESIGN.md), plus where it sits."""

    doc_id: str
    source: str
    path: str
    title: str
    page: int | None
    chunk_id: str
    score: float
    text: str
    page_label: str | None = None
    section: str | None = None
    lang: str | None = None
    position: int | None = None
    retrievers: dict[str, dict[str, float]] = field(default_factory=dict)
    """Which retrievers found the hit, with rank and score: {"dense": {"rank": 1, "score": 0.83}}."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def chunk_where(versions: list[str], filters: SearchFilters | None) -> dict[str, Any]:
    """The Chroma filter for committed chunks matching ``filters``."""
    clauses: list[dict[str, Any]] = [{"version": {"$in": versions}}]
    if filters:
        for key, values in (("doc_id", filters.doc_ids), ("lang", filters.languages), ("file_type", filters.file_types)):
            if values:
                clauses.append({key: {"$in": list(values)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def hit_from_chunk(chunk_id: str, text: str, metadata: dict[str, Any], score: float) -> SearchHit:
    page = metadata.get("page")
    return SearchHit(
        doc_id=metadata["doc_id"],
        source=metadata["source"],
        path=metadata["path"],
        title=metadata.get("title", metadata["source"]),
        page=int(page) if page is not None else None,
        chunk_id=chunk_id,
        score=score,
        text=text,
        page_label=metadata.get("page_label"),
        section=metadata.get("section"),
        lang=metadata.get("lang"),
        position=metadata.get("position"),
    )


def dense_search(
    store: KnowledgeStore, embeddings: KBEmbeddings, query: str, k: int, filters: SearchFilters | None = None
) -> list[SearchHit]:
    """The k chunks closest to the query; score is cosine similarity (higher is better)."""
    versions = store.registry.committed_versions()
    if not versions or k <= 0:
        return []
    vector = embeddings.embed_queries([query])[0]
    result = store.chunks.query(
        query_embeddings=[vector.tolist()],
        n_results=k,
        where=chunk_where(versions, filters),
        include=["documents", "metadatas", "distances"],
    )
    hits = []
    for rank, (chunk_id, text, metadata, distance) in enumerate(
        zip(result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]), start=1
    ):
        score = 1.0 - float(distance)
        hit = hit_from_chunk(chunk_id, text, metadata, score)
        hit.retrievers["dense"] = {"rank": rank, "score": score}
        hits.append(hit)
    return hits
