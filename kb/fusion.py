"""Fusing ranked lists from several retrievers into one.

Two methods, chosen by the ``fusion`` setting:

- convex combination (the default): each ranking's scores are min-max normalised over its
  candidates, then summed with the retriever weights. It keeps how far apart the scores
  are, which ranks throw away: when the dense retriever is sure (one passage far above the
  rest) a lexical near-tie cannot overturn it, and the other way round. Measured better than
  RRF on every public set and on our questions (benchmarks/fusion_sweep.py, docs/benchmarks.md).
- reciprocal rank fusion (RRF) uses only ranks, so it needs no calibration between a cosine
  similarity and a BM25 score; a chunk ranked high by either retriever comes out high.

``weights`` let one retriever count more than another in both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

RRF_K = 60
"""The standard RRF constant: a larger value flattens the advantage of the very first ranks."""


Fused = list[tuple[str, float, dict[str, dict[str, float]]]]
"""``(item_id, fused_score, {retriever: {"rank", "score"}})`` best first."""


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    *,
    weights: Mapping[str, float] | None = None,
    rrf_k: int = RRF_K,
) -> Fused:
    """Fuse ``{retriever: [(item_id, score), ...best first]}`` by weighted reciprocal ranks.

    Ties are broken by item id so that every replica orders them alike.
    """
    return _fuse(rankings, weights, lambda ranking: [1 / (rrf_k + rank) for rank in range(1, len(ranking) + 1)])


def convex_combination(
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    *,
    weights: Mapping[str, float] | None = None,
) -> Fused:
    """Fuse ``{retriever: [(item_id, score), ...best first]}`` by weighted min-max normalised scores.

    A ranking whose candidates all score alike gives each of them 1. Ties are broken by item id.
    """
    return _fuse(rankings, weights, _min_max)


def _min_max(ranking: Sequence[tuple[str, float]]) -> list[float]:
    scores = [score for _, score in ranking]
    if not scores:
        return []
    low, high = min(scores), max(scores)
    return [(score - low) / (high - low) if high > low else 1.0 for score in scores]


def _fuse(
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    weights: Mapping[str, float] | None,
    contributions: Callable[[Sequence[tuple[str, float]]], list[float]],
) -> Fused:
    """Sum each item's weighted ``contributions`` over the rankings; keep where each retriever ranked it."""
    fused: dict[str, float] = {}
    found_by: dict[str, dict[str, dict[str, float]]] = {}
    for retriever, ranking in rankings.items():
        weight = (weights or {}).get(retriever, 1.0)
        for rank, ((item_id, score), value) in enumerate(zip(ranking, contributions(ranking)), start=1):
            fused[item_id] = fused.get(item_id, 0.0) + weight * value
            found_by.setdefault(item_id, {})[retriever] = {"rank": rank, "score": score}
    ordered = sorted(fused, key=lambda item_id: (-fused[item_id], item_id))
    return [(item_id, fused[item_id], found_by[item_id]) for item_id in ordered]


FUSIONS = {"convex": convex_combination, "rrf": reciprocal_rank_fusion}
