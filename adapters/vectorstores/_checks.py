"""Input checks and score mapping every vector store adapter shares."""

import math
from collections.abc import Mapping, Sequence

from domain.knowledge.collections import check_metadata_key
from domain.knowledge.errors import VectorDimensionMismatch
from domain.knowledge.ports import MetaValue, VectorFilter, VectorRecord


def check_vector_length(collection: str, dimension: int, vector: Sequence[float]) -> None:
    if len(vector) != dimension:
        raise VectorDimensionMismatch(collection, dimension, len(vector))


def check_vector(collection: str, dimension: int, vector: Sequence[float]) -> list[float]:
    check_vector_length(collection, dimension, vector)
    values = [float(x) for x in vector]
    if not all(math.isfinite(x) for x in values):
        raise ValueError("a vector holds NaN or infinity")
    return values


def latest_per_id(records: Sequence[VectorRecord]) -> list[VectorRecord]:
    """One record an id, the last given winning, as if upserted one after the other."""
    return list({record.id: record for record in records}.values())


def check_metadata(metadata: Mapping[str, MetaValue]) -> None:
    for key in metadata:
        check_metadata_key(key)


def check_filter(where: VectorFilter | None) -> None:
    if where is None:
        return
    check_metadata(where.metadata)
    if any(value is None for value in where.metadata.values()):
        raise ValueError("a metadata filter value cannot be None")


def similarity_score(cosine: float) -> float:
    """The port's score: cosine similarity clamped to [0, 1]."""
    return min(1.0, max(0.0, cosine))
