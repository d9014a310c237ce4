"""Fusing the hits of semantic and keyword search into one ranking (hybrid search without a rerank model).

Two ways, both pure:
- weighted: Dify's `weighted_score` reranking mode, `vector_weight * semantic + keyword_weight * keyword`.
  Semantic scores are cosine similarities, already in [0, 1] (clamped); keyword scores (ts_rank, BM25 …)
  have no fixed scale, so each answer's are divided by its best. A hit found by one search only scores
  0 on the other side.
- reciprocal rank fusion: `sum(1 / (k + rank))` over the rankings that hold the hit; no scores needed.

Ties keep the order in which hits were first seen (semantic before keyword), so results are deterministic.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from domain.shared.errors import InvalidParam

RRF_K = 60
WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Scored:
    id: str
    score: float


def _clamp(score: float) -> float:
    if math.isnan(score):
        return 0.0
    return min(1.0, max(0.0, score))


def _best_per_id(hits: Sequence[Scored]) -> dict[str, float]:
    best: dict[str, float] = {}
    for hit in hits:
        if hit.id not in best or hit.score > best[hit.id]:
            best[hit.id] = hit.score
    return best


def normalize_by_max(hits: Sequence[Scored]) -> list[Scored]:
    """Scores divided by the best one, so the best is 1; negative scores count as 0. One entry an id."""
    best = {k: max(0.0, v) for k, v in _best_per_id(hits).items() if not math.isnan(v)}
    top = max(best.values(), default=0.0)
    return [Scored(k, v / top if top > 0 else 0.0) for k, v in best.items()]


def _ranked(scores: dict[str, float]) -> list[Scored]:
    order = {k: i for i, k in enumerate(scores)}
    return sorted((Scored(k, v) for k, v in scores.items()), key=lambda s: (-s.score, order[s.id]))


def check_weights(vector_weight: float, keyword_weight: float) -> None:
    """Dify refuses weights that are negative or do not sum to 1."""
    if vector_weight < 0 or keyword_weight < 0 or abs(vector_weight + keyword_weight - 1) > WEIGHT_TOLERANCE:
        raise InvalidParam("The sum of vector_weight and keyword_weight must be 1.", param="weights")


def weighted_fusion(
    semantic: Sequence[Scored], keyword: Sequence[Scored], *, vector_weight: float, keyword_weight: float
) -> list[Scored]:
    """Every id of either list once, scored in [0, 1], best first. Raises InvalidParam on bad weights."""
    check_weights(vector_weight, keyword_weight)
    semantic_scores = {k: _clamp(v) for k, v in _best_per_id(semantic).items()}
    keyword_scores = {s.id: s.score for s in normalize_by_max(keyword)}
    fused: dict[str, float] = {}
    for hit_id in [*semantic_scores, *keyword_scores]:
        score = vector_weight * semantic_scores.get(hit_id, 0.0) + keyword_weight * keyword_scores.get(hit_id, 0.0)
        fused[hit_id] = _clamp(score)
    return _ranked(fused)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], *, k: int = RRF_K) -> list[Scored]:
    """Each ranking is ids best first (a repeated id counts at its best rank); scores sum 1/(k + rank)."""
    if k < 1:
        raise ValueError("k must be positive")
    fused: dict[str, float] = {}
    for ranking in rankings:
        seen: set[str] = set()
        for rank, hit_id in enumerate(ranking, start=1):
            if hit_id in seen:
                continue
            seen.add(hit_id)
            fused[hit_id] = fused.get(hit_id, 0.0) + 1.0 / (k + rank)
    return _ranked(fused)


def keep_best(hits: Sequence[Scored], *, top_k: int, score_threshold: float | None = None) -> list[Scored]:
    """The first top_k hits scoring at least score_threshold (when given); hits must be best first."""
    kept = [h for h in hits if score_threshold is None or h.score >= score_threshold]
    return kept[: max(0, top_k)]
