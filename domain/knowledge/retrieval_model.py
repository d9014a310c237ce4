"""Dify's `retrieval_model`: how a dataset is searched (method, top_k, threshold, hybrid weights)."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.knowledge.rerank import WEIGHTED_SCORE, RerankSetting
from domain.knowledge.scoring import check_weights
from domain.shared.errors import InvalidParam

MAX_TOP_K = 100
NO_RERANKING_MODEL = {"reranking_provider_name": "", "reranking_model_name": ""}


class SearchMethod(StrEnum):
    SEMANTIC = "semantic_search"
    FULL_TEXT = "full_text_search"
    HYBRID = "hybrid_search"
    KEYWORD = "keyword_search"


@dataclass(frozen=True, slots=True)
class RetrievalModel:
    search_method: SearchMethod = SearchMethod.SEMANTIC
    top_k: int = 2
    score_threshold_enabled: bool = False
    score_threshold: float = 0.0
    vector_weight: float | None = None
    keyword_weight: float | None = None
    reranking_enable: bool = False
    reranking_mode: str | None = None
    reranking_model: Mapping[str, str] | None = None
    weight_type: str = "customized"

    @property
    def threshold(self) -> float | None:
        return self.score_threshold if self.score_threshold_enabled else None

    @property
    def reranker(self) -> RerankSetting | None:
        """The rerank model to apply, if any: reranking enabled and a model named. Hybrid search in
        `weighted_score` mode fuses by weights instead; semantic and full-text search rerank whatever the
        mode, as Dify's retrieval service does."""
        if not self.reranking_enable:
            return None
        if self.search_method is SearchMethod.HYBRID and self.reranking_mode == WEIGHTED_SCORE:
            return None
        return RerankSetting.from_mapping(self.reranking_model, "reranking_provider_name", "reranking_model_name")

    def to_dict(self) -> dict[str, Any]:
        weights = None
        if self.vector_weight is not None and self.keyword_weight is not None:
            weights = {
                "weight_type": self.weight_type,
                "vector_setting": {"vector_weight": self.vector_weight, "embedding_provider_name": "",
                                   "embedding_model_name": ""},
                "keyword_setting": {"keyword_weight": self.keyword_weight},
            }
        return {
            "search_method": self.search_method.value,
            "reranking_enable": self.reranking_enable,
            "reranking_mode": self.reranking_mode,
            "reranking_model": dict(self.reranking_model or NO_RERANKING_MODEL),
            "weights": weights,
            "top_k": self.top_k,
            "score_threshold_enabled": self.score_threshold_enabled,
            "score_threshold": self.score_threshold,
        }


DEFAULT_RETRIEVAL_MODEL = RetrievalModel()


def _refuse(message: str) -> InvalidParam:
    return InvalidParam(message, param="retrieval_model")


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(f"{name} must be a number.")
    return float(value)


def _weights(raw: object) -> tuple[float | None, float | None, str]:
    if not raw:
        return None, None, "customized"
    if not isinstance(raw, Mapping):
        raise _refuse("weights is invalid.")
    vector = _number((raw.get("vector_setting") or {}).get("vector_weight"), "vector_weight")
    keyword = _number((raw.get("keyword_setting") or {}).get("keyword_weight"), "keyword_weight")
    check_weights(vector, keyword)
    return vector, keyword, str(raw.get("weight_type") or "customized")


def _reranking_model(raw: object) -> Mapping[str, str] | None:
    """A named model, or None (Dify writes an unset one as two empty strings)."""
    if isinstance(raw, Mapping) and any(raw.values()):
        return dict(raw)
    return None


def parse_retrieval_model(raw: Mapping[str, Any] | None) -> RetrievalModel:
    """The request's retrieval_model; absent means Dify's default (semantic, top 2, no threshold)."""
    if raw is None:
        return DEFAULT_RETRIEVAL_MODEL
    if not isinstance(raw, Mapping):
        raise _refuse("retrieval_model is invalid.")
    method = raw.get("search_method") or SearchMethod.SEMANTIC.value
    if method not in tuple(SearchMethod):
        raise _refuse(f"Invalid search_method: {method}.")
    top_k = raw.get("top_k", DEFAULT_RETRIEVAL_MODEL.top_k)
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        raise _refuse(f"top_k must be an integer between 1 and {MAX_TOP_K}.")
    enabled = bool(raw.get("score_threshold_enabled", False))
    threshold = raw.get("score_threshold")
    threshold = 0.0 if threshold is None else _number(threshold, "score_threshold")
    vector, keyword, weight_type = _weights(raw.get("weights"))
    return RetrievalModel(
        search_method=SearchMethod(method), top_k=top_k, score_threshold_enabled=enabled, score_threshold=threshold,
        vector_weight=vector, keyword_weight=keyword, weight_type=weight_type,
        reranking_enable=bool(raw.get("reranking_enable", False)), reranking_mode=raw.get("reranking_mode"),
        reranking_model=_reranking_model(raw.get("reranking_model")),
    )
