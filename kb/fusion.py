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

from collections.abc import Mapping, Sequence

RRF_K = 60
"""The standard RRF constant: a larger value flattens the advantage of the very first ranks."""


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    *,
    weights: Mapping[str, float] | None = None,
    rrf_k: int = RRF_K,
) -> list[tuple[str, float, dict[str, dict[str, float]]]]:
    """Fuse ``{retriever: [(item_id, score), ...best first]}``.

    Returns ``(item_id, fused_score, {retriever: {"rank", "score"}})`` best first; ties are
    broken by item id so that every replica orders them alike.
    """
    fused: dict[str, float] = {}
    found_by: dict[str, dict[str, dict[str, float]]] = {}
    for retriever, ranking in rankings.items():
        weight = (weights or {}).get(retriever, 1.0)
        for rank, (item_id, score) in enumerate(ranking, start=1):
            fused[item_id] = fused.get(item_id, 0.0) + weight / (rrf_k + rank)
            found_by.setdefault(item_id, {})[retriever] = {"rank": rank, "score": score}
    ordered = sorted(fused, key=lambda item_id: (-fused[item_id], item_id))
    return [(item_id, fused[item_id], found_by[item_id]) for item_id in ordered]


def convex_combination(
    rankings: Mapping[str, Sequence[tuple[str, float]]],
    *,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[str, float, dict[str, dict[str, float]]]]:
    """Fuse ``{retriever: [(item_id, score), ...best first]}`` by weighted min-max normalised scores.

    A ranking whose candidates all score alike gives each of them 1. Returns the same shape as
    ``reciprocal_rank_fusion``; ties are broken by item id.
    """
    fused: dict[str, float] = {}
    found_by: dict[str, dict[str, dict[str, float]]] = {}
    for retriever, ranking in rankings.items():
        if not ranking:
            continue
        weight = (weights or {}).get(retriever, 1.0)
        scores = [score for _, score in ranking]
        low, high = min(scores), max(scores)
        for rank, (item_id, score) in enumerate(ranking, start=1):
            normalised = (score - low) / (high - low) if high > low else 1.0
            fused[item_id] = fused.get(item_id, 0.0) + weight * normalised
            found_by.setdefault(item_id, {})[retriever] = {"rank": rank, "score": score}
    ordered = sorted(fused, key=lambda item_id: (-fused[item_id], item_id))
    return [(item_id, fused[item_id], found_by[item_id]) for item_id in ordered]


FUSIONS = {"convex": convex_combination, "rrf": reciprocal_rank_fusion}
