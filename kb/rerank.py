"""Optional second stage of search: a cross-encoder rescores the retriever's best candidates.

Both retrievers judge a passage without reading it together with the question: the embedder
compares two vectors computed apart, BM25 counts shared words. A cross-encoder reads the
question and the passage as one input, so it sees whether the passage actually answers the
question, and ranks better than either retriever. The price is one forward pass per
candidate at query time, which is why only the retriever's first ``rerank_candidates`` hits
are rescored. It is off by default because no reranker model ships with the project: set
``KB_RERANKER_MODEL`` to a sentence-transformers CrossEncoder name or local folder.
"""

from __future__ import annotations

from threading import Lock
from typing import TYPE_CHECKING

from kb.errors import KBError
from kb.search import SearchHit

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder


class RerankerUnavailable(KBError):
    """The configured reranker model cannot be loaded; the message names the setting to fix."""


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder on CPU that reorders search hits.

    The model is not documented as thread-safe and the web app searches from several
    threads, so scoring is serialised with a lock (one batch already uses every core).
    """

    def __init__(self, model_name_or_path: str):
        self.model_name_or_path = model_name_or_path
        self._model = load_cross_encoder(model_name_or_path)
        self._lock = Lock()

    def rerank(self, query: str, hits: list[SearchHit], k: int) -> list[SearchHit]:
        """The ``k`` hits the cross-encoder finds most relevant to ``query``, best first.

        The retriever's entries in ``hit.retrievers`` are kept beside the new ``rerank``
        entry, so the debug view still shows where each hit came from. Sorting is stable:
        hits with equal scores keep the retriever's order.
        """
        if not hits or k <= 0:
            return []
        scores = self.score(query, [hit.text for hit in hits])
        reranked = []
        for rank, index in enumerate(best_first(scores)[:k], start=1):
            record_rerank(hits[index], rank, scores[index])
            reranked.append(hits[index])
        return reranked

    def score(self, query: str, passages: list[str]) -> list[float]:
        """Relevance of each passage to ``query`` (higher is better), computed in one batch."""
        if not passages:
            return []
        pairs = [(query, passage) for passage in passages]
        with self._lock:
            scores = self._model.predict(pairs, batch_size=len(pairs), show_progress_bar=False)
        return [float(score) for score in scores]


def best_first(scores: list[float]) -> list[int]:
    """Indexes by descending score; equal scores keep their order, so the retriever breaks ties."""
    return sorted(range(len(scores)), key=lambda index: -scores[index])


def record_rerank(hit: SearchHit, rank: int, score: float) -> None:
    """The cross-encoder's verdict becomes the hit's score; the retrievers' entries stay."""
    hit.score = score
    hit.retrievers["rerank"] = {"rank": rank, "score": score}


def load_cross_encoder(model_name_or_path: str) -> CrossEncoder:
    """The model, or an error that says which setting to fix instead of a hub stack trace."""
    from sentence_transformers import CrossEncoder

    try:
        return CrossEncoder(model_name_or_path, device="cpu")
    except (OSError, ValueError) as error:
        raise RerankerUnavailable(
            f"KB_RERANKER_MODEL={model_name_or_path!r} could not be loaded as a cross-encoder "
            f"({_first_line(error)}). Give a sentence-transformers CrossEncoder name available offline "
            "or a local folder holding one, or unset KB_RERANKER_MODEL to search without reranking."
        ) from error


def _first_line(error: Exception) -> str:
    """The gist of a loader's error: its first line, not the advice about hubs that follows."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
