"""Retrieval over the committed chunks of the knowledge base: dense, lexical, and both fused.

Only chunks whose version belongs to a registry record are searched, which is what keeps a
half-ingested document (or the old version of an updated one) out of the results. Dense
retrieval finds paraphrases and crosses languages; BM25 finds exact terms ("Pasal 6",
"PP 59/2021", a number). Hybrid search runs both and fuses their rankings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kb.embeddings import KBEmbeddings
from kb.fusion import FUSIONS
from kb.glossary import Glossary, expand_query
from kb.lexical import LexicalIndexCache
from kb.registry import CommittedState
from kb.sentence_search import best_sentence_ranking
from kb.store import KnowledgeStore


@dataclass
class SearchFilters:
    """Restrict a search to some documents, languages or file types (empty means no restriction)."""

    doc_ids: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    file_types: list[str] = field(default_factory=list)
    excluded_languages: list[str] = field(default_factory=list)
    """Chunk languages to leave out (hybrid search uses it for its "every other language" ranking)."""

    def allows(self, metadata: dict[str, Any]) -> bool:
        """Whether a chunk with this metadata passes the filters (Chroma applies the same ones in queries)."""
        for values, key in ((self.doc_ids, "doc_id"), (self.languages, "lang"), (self.file_types, "file_type")):
            if values and metadata.get(key) not in values:
                return False
        return metadata.get("lang") not in self.excluded_languages


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
    status: str | None = None
    """The document's status when known: in force, repealed or superseded."""
    repealed_by: str | None = None
    ocr: bool = False
    """The text was read from a scanned page by OCR (it may hold misread characters)."""
    retrievers: dict[str, dict[str, float]] = field(default_factory=dict)
    """Which retrievers found the hit, with rank and score: {"dense": {"rank": 1, "score": 0.83}}."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def chunk_where(versions: list[str] | None, filters: SearchFilters | None) -> dict[str, Any] | None:
    """The Chroma filter for committed chunks matching ``filters``; ``versions=None`` when every
    stored chunk is committed, so that no version filter is needed."""
    clauses: list[dict[str, Any]] = [{"version": {"$in": versions}}] if versions is not None else []
    if filters:
        for key, values in (("doc_id", filters.doc_ids), ("lang", filters.languages), ("file_type", filters.file_types)):
            if values:
                clauses.append({key: {"$in": list(values)}})
        if filters.excluded_languages:
            clauses.append({"lang": {"$nin": list(filters.excluded_languages)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def version_restriction(store: KnowledgeStore, state: CommittedState) -> list[str] | None:
    """The versions to restrict a dense search to, or None when the store holds only committed chunks.

    Filtering on a list of versions makes each Chroma query several times slower (36 ms against
    6 ms at 10,000 chunks). Chunks are written before their record and deleted after it, so when
    the store holds exactly as many chunks as the committed records count, none is uncommitted.
    """
    if state.chunks is not None and store.count_chunks() == state.chunks:
        return None
    return state.versions


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
        status=metadata.get("status"),
        repealed_by=metadata.get("repealed_by"),
        ocr=bool(metadata.get("ocr", False)),
    )


def dense_search(
    store: KnowledgeStore,
    embeddings: KBEmbeddings,
    query: str,
    k: int,
    filters: SearchFilters | None = None,
) -> list[SearchHit]:
    """The k chunks closest to the query; score is cosine similarity (higher is better)."""
    state = store.registry.committed_state()
    if not state.versions or k <= 0:
        return []
    vector = embeddings.embed_queries([query])[0]
    hits = nearest_chunks(store, vector, k, chunk_where(version_restriction(store, state), filters))
    for rank, hit in enumerate(hits, start=1):
        hit.retrievers["dense"] = {"rank": rank, "score": hit.score}
    return hits


def nearest_chunks(store: KnowledgeStore, vector, k: int, where: dict[str, Any]) -> list[SearchHit]:
    result = store.chunks.query(
        query_embeddings=[vector.tolist()], n_results=k, where=where, include=["documents", "metadatas", "distances"]
    )
    return [
        hit_from_chunk(chunk_id, text, metadata, 1.0 - float(distance))
        for chunk_id, text, metadata, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]
        )
    ]


def nearest_chunk_scores(store: KnowledgeStore, vector, k: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
    """The k nearest chunks as ``(chunk_id, cosine similarity)``, best first, without their text or
    metadata: hybrid search fetches those for the few hits it returns. For 300 candidates at
    10,000 chunks the query takes 1.5 ms this way, 13 ms with text and metadata."""
    result = store.chunks.query(query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"])
    return [(chunk_id, 1.0 - float(distance)) for chunk_id, distance in zip(result["ids"][0], result["distances"][0])]


def lexical_search(
    store: KnowledgeStore,
    lexical_cache: LexicalIndexCache,
    query: str,
    k: int,
    filters: SearchFilters | None = None,
    *,
    glossary: Glossary | None = None,
) -> list[SearchHit]:
    """The k best BM25 matches (query expanded with the glossary when given); score is the BM25 score."""
    versions, fingerprint, _ = store.registry.committed_state()
    if not versions or k <= 0:
        return []
    ranking = lexical_cache.get(store, versions, fingerprint).search(_lexical_query(query, glossary), k, filters)
    hits = hits_by_id(store, [chunk_id for chunk_id, _ in ranking])
    result = []
    for rank, (chunk_id, score) in enumerate(ranking, start=1):
        hit = hits[chunk_id]
        hit.score = score
        hit.retrievers["lexical"] = {"rank": rank, "score": score}
        result.append(hit)
    return result


SPARE_CANDIDATES = 5
"""Fused candidates fetched beyond k, in case some have no chunk left to show."""

POOL_FACTOR = 6
"""How much deeper the one unfiltered dense query goes than each language ranking needs. Its cost
grows with the depth (at 10,000 chunks about 25 ms for 500 hits, 14 ms for 300); 6 instead of 10
left every public set's figures and our passage-level ones unchanged (one crossed question's
document fell from the top 5)."""


@dataclass
class HybridOptions:
    """How hybrid search gathers and weighs its rankings (from the settings of the same names)."""

    candidates: int = 50
    dense_languages: list[str] = field(default_factory=lambda: ["id", "en"])
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    sentence_weight: float = 1.0
    glossary: Glossary | None = None
    fusion: str = "convex"


def hybrid_search(
    store: KnowledgeStore,
    embeddings: KBEmbeddings,
    lexical_cache: LexicalIndexCache,
    query: str,
    k: int,
    filters: SearchFilters | None = None,
    options: HybridOptions | None = None,
) -> list[SearchHit]:
    """Dense rankings (one per language group), the best-sentence ranking and the lexical ranking,
    fused by the ``fusion`` option.

    The embedder ranks passages in the question's own language above better answers in the
    other language; ranking each language group on its own and fusing puts the best passage
    of each language near the top. The sentence ranking (kb.sentence_search) scores a chunk by
    its closest stored sentence. Each hit's ``retrievers`` keeps its rank and score in the
    dense ranking of its language, in the sentence ranking and in the lexical ranking.
    """
    options = options or HybridOptions()
    state = store.registry.committed_state()
    versions, fingerprint = state.versions, state.fingerprint
    if not versions or k <= 0:
        return []
    restriction = version_restriction(store, state)
    depth = max(k, options.candidates)
    vector = embeddings.embed_queries([query])[0]
    lexical_index = lexical_cache.get(store, versions, fingerprint)
    rankings: dict[str, list[tuple[str, float]]] = {}
    weights: dict[str, float] = {}
    groups = dense_rankings_by_language(store, vector, depth, restriction, filters, options, lexical_index.chunk_languages)
    for group, ranking in groups.items():
        rankings[f"dense:{group}"] = ranking
        weights[f"dense:{group}"] = options.dense_weight
    if options.sentence_weight > 0:
        rankings["sentence"] = best_sentence_ranking(store, vector, depth, restriction, filters)
        weights["sentence"] = options.sentence_weight
    rankings["lexical"] = lexical_index.search(_lexical_query(query, options.glossary), depth, filters)
    weights["lexical"] = options.lexical_weight
    # A few spare candidates: a chunk removed a moment ago has nothing left to show.
    fused = fuse_rankings(rankings, weights, options.fusion)[: k + SPARE_CANDIDATES]
    found = hits_by_id(store, [chunk_id for chunk_id, _, _ in fused])
    result = []
    for chunk_id, score, found_by in fused:
        if chunk_id not in found:
            continue
        if len(result) == k:
            break
        hit = found[chunk_id]
        hit.score = score
        hit.retrievers = _retriever_report(found_by)
        result.append(hit)
    return result


def fuse_rankings(
    rankings: dict[str, list[tuple[str, float]]], weights: dict[str, float], method: str
) -> list[tuple[str, float, dict[str, dict[str, float]]]]:
    """The rankings fused by ``method`` (``convex`` or ``rrf``, see kb.fusion), best first."""
    return FUSIONS[method](rankings, weights=weights)


def dense_rankings_by_language(
    store: KnowledgeStore,
    vector,
    depth: int,
    restriction: list[str] | None,
    filters: SearchFilters | None,
    options: HybridOptions,
    chunk_languages: Mapping[str, str],
) -> dict[str, list[tuple[str, float]]]:
    """``(chunk_id, similarity)`` of the nearest chunks of each language group, ``depth`` per group.

    Chroma's metadata filters are slow (17 ms a filtered query against 3 ms unfiltered at 10,000
    chunks), so without filters one unfiltered query ``POOL_FACTOR`` times deeper is split by
    language here, each chunk's language read from ``chunk_languages`` (the committed chunks'
    languages, which the lexical index keeps); with filters (or uncommitted chunks present) each
    group is its own query. A chunk missing from ``chunk_languages`` was written after the
    committed state was read, and is left out as uncommitted.
    """
    groups = language_groups(options.dense_languages, filters)
    if filters is None and restriction is None and len(groups) > 1:
        listed = set(options.dense_languages)
        split: dict[str, list[tuple[str, float]]] = {group: [] for group, _ in groups}
        for chunk_id, score in nearest_chunk_scores(store, vector, depth * POOL_FACTOR, None):
            language = chunk_languages.get(chunk_id)
            if language is None:
                continue
            group = language if language in listed else "other"
            if len(split[group]) < depth:
                split[group].append((chunk_id, score))
        return split
    return {
        group: nearest_chunk_scores(store, vector, depth, chunk_where(restriction, group_filters))
        for group, group_filters in groups
    }


def language_groups(
    languages: list[str], filters: SearchFilters | None
) -> list[tuple[str, SearchFilters | None]]:
    """One filter per dense ranking: each listed language, then every other language together."""
    base = filters or SearchFilters()
    if base.languages or not languages:
        wanted = base.languages or []
        return [(language, _with_languages(base, [language])) for language in wanted] or [("all", filters)]
    groups = [(language, _with_languages(base, [language])) for language in languages]
    groups.append(("other", _with_languages(base, [], excluded=languages)))
    return groups


def _with_languages(base: SearchFilters, languages: list[str], excluded: list[str] | None = None) -> SearchFilters:
    return SearchFilters(
        doc_ids=list(base.doc_ids),
        languages=list(languages),
        file_types=list(base.file_types),
        excluded_languages=list(excluded or []),
    )


def _retriever_report(found_by: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    """``{"dense": {"rank", "score", "language"}, "sentence": {...}, "lexical": {"rank", "score"}}`` for the debug view."""
    report: dict[str, dict[str, Any]] = {}
    for name, values in found_by.items():
        if name.startswith("dense:"):
            report["dense"] = {**values, "language": name.split(":", 1)[1]}
        else:
            report[name] = dict(values)
    return report


def _lexical_query(query: str, glossary: Glossary | None) -> str:
    return expand_query(query, glossary) if glossary else query


def hits_by_id(store: KnowledgeStore, chunk_ids: list[str]) -> dict[str, SearchHit]:
    """Chunks fetched from the store by id, as hits with no score yet."""
    if not chunk_ids:
        return {}
    result = store.chunks.get(ids=chunk_ids, include=["documents", "metadatas"])
    return {
        chunk_id: hit_from_chunk(chunk_id, text, metadata, 0.0)
        for chunk_id, text, metadata in zip(result["ids"], result["documents"], result["metadatas"])
    }
