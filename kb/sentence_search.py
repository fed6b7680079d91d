"""Ranking chunks by their closest sentence: the sentence ranking of hybrid search.

A chunk's vector stands for everything the chunk says, and a question usually asks about one
sentence of it: "When were the field visits?" is one line of an evaluation brief's cover page,
"How long may a refugee ... ?" one clause of an article. Ingestion already stores a vector for
each candidate sentence of each chunk (kb.sentences, for the default answerer); searching them
and scoring each chunk by its best sentence finds the passage that holds the fact even when
the rest of it is about something else. Fused with the chunk and lexical rankings it raised
passage Recall@5 on our question set from 0.70 to 0.76 and document Recall@5 from 0.82 to 0.92 (`kb eval`)
(docs/benchmarks.md, "Retrieval").

A store ingested before sentence vectors were kept has none; the ranking is then empty and
hybrid search is what it was without it (`kb reindex` adds them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kb.sentences import chunk_of_sentence
from kb.store import KnowledgeStore

if TYPE_CHECKING:
    from kb.search import SearchFilters

SENTENCES_PER_CHUNK = 4
"""How many sentences are fetched for each chunk the ranking needs: several sentences of one
chunk are often near each other, and only each chunk's best counts. The query's cost grows with
it (200 of 72,575 sentences take about 3.6 ms); 3 to 6 gave the same figures."""


def best_sentence_ranking(
    store: KnowledgeStore,
    vector,
    depth: int,
    versions: list[str] | None,
    filters: SearchFilters | None = None,
) -> list[tuple[str, float]]:
    """Up to ``depth`` ``(chunk_id, similarity of its best sentence)`` pairs, best first.

    ``versions`` restricts the sentences to committed versions (None: every stored one is).
    Document filters go to Chroma; language and file-type filters are checked on the chunks,
    whose metadata holds them.
    """
    available = store.sentences.count()
    if available == 0 or depth <= 0:
        return []
    # Only distances: the chunk id is in each sentence's id, and fetching the sentences' metadata
    # took half of this query (7.6 ms against 3.6 ms for 200 of 72,575 sentences).
    result = store.sentences.query(
        query_embeddings=[vector.tolist()],
        n_results=min(depth * SENTENCES_PER_CHUNK, available),
        where=_sentence_where(versions, filters),
        include=["distances"],
    )
    best: dict[str, float] = {}
    for sentence, distance in zip(result["ids"][0], result["distances"][0]):
        chunk_id = chunk_of_sentence(sentence)
        similarity = 1.0 - float(distance)  # inner-product space of normalised vectors: distance = 1 - cosine
        if similarity > best.get(chunk_id, -2.0):
            best[chunk_id] = similarity
    ranking = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    if filters is not None and (filters.languages or filters.file_types or filters.excluded_languages):
        allowed = _chunks_allowed(store, [chunk_id for chunk_id, _ in ranking], filters)
        ranking = [(chunk_id, score) for chunk_id, score in ranking if chunk_id in allowed]
    return ranking[:depth]


def _sentence_where(versions: list[str] | None, filters: SearchFilters | None) -> dict[str, Any] | None:
    """The chunks' Chroma filter for what sentences also carry: version and document."""
    from kb.search import SearchFilters, chunk_where  # imported here: kb.search imports this module

    return chunk_where(versions, SearchFilters(doc_ids=list(filters.doc_ids)) if filters else None)


def _chunks_allowed(store: KnowledgeStore, chunk_ids: list[str], filters: SearchFilters) -> set[str]:
    if not chunk_ids:
        return set()
    found = store.chunks.get(ids=chunk_ids, include=["metadatas"])
    return {chunk_id for chunk_id, metadata in zip(found["ids"], found["metadatas"]) if filters.allows(metadata)}
