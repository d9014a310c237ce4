"""Reranking: a rerank model reads the query and each candidate's text and scores their relevance anew.

Dify's `reranking_model` mode. The model's scores replace the search scores (they are what a
score_threshold is compared with once reranking is on), and its order is the final order.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.knowledge.scoring import Scored

RERANKING_MODEL = "reranking_model"
WEIGHTED_SCORE = "weighted_score"


@dataclass(frozen=True, slots=True)
class RerankSetting:
    """Which rerank model: a catalogue provider (plugin id or bare name) and the workspace's model name."""

    provider: str
    model: str

    @classmethod
    def from_mapping(cls, raw: object, provider_key: str, model_key: str) -> "RerankSetting | None":
        """None unless both names are given (Dify writes an unset model as two empty strings)."""
        if not isinstance(raw, Mapping):
            return None
        provider, model = raw.get(provider_key), raw.get(model_key)
        if not provider or not model:
            return None
        return cls(str(provider), str(model))


@dataclass(frozen=True, slots=True)
class RerankHit:
    """The model's verdict on the candidate at `index` of the documents it was sent."""

    index: int
    score: float


class RerankModel(Protocol):
    """A rerank endpoint (Cohere / Jina style `/rerank`).

    Contract: at most top_n hits, each naming a document by its index in `documents`; any order.
    Errors: domain.models.errors.CompletionRequestError when the endpoint fails or answers nonsense.
    """

    async def rerank(self, query: str, documents: Sequence[str], top_n: int) -> list[RerankHit]: ...


class RerankModelFactory(Protocol):
    """A client for one model behind one endpoint (`endpoint_url` is the provider's base URL, e.g. …/v1)."""

    def create(self, endpoint_url: str, api_key: str | None, model: str) -> RerankModel: ...


def apply_rerank(
    candidates: Sequence[Scored], hits: Sequence[RerankHit], *, top_n: int, score_threshold: float | None
) -> list[Scored]:
    """The candidates the model kept, scored by it, best first, at most top_n, none under the threshold.

    An index out of range or repeated is ignored (a server's bug must not duplicate or invent a hit);
    equal scores keep the model's order.
    """
    seen: set[int] = set()
    kept: list[Scored] = []
    for hit in hits:
        if not 0 <= hit.index < len(candidates) or hit.index in seen or math.isnan(hit.score):
            continue
        seen.add(hit.index)
        kept.append(Scored(candidates[hit.index].id, hit.score))
    order = {s.id: i for i, s in enumerate(kept)}
    kept.sort(key=lambda s: (-s.score, order[s.id]))
    if score_threshold is not None:
        kept = [s for s in kept if s.score >= score_threshold]
    return kept[: max(0, top_n)]
