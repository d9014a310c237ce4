"""A vector store held in process memory: for tests and for trying weir without a database."""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from adapters.vectorstores._checks import check_filter, check_metadata, check_vector, latest_per_id, similarity_score
from domain.knowledge.collections import check_collection_name
from domain.knowledge.errors import VectorCollectionNotFound, VectorDimensionMismatch
from domain.knowledge.ports import VectorFilter, VectorHit, VectorRecord

_WORD = re.compile(r"\w+")


@dataclass
class _Collection:
    dimension: int
    records: dict[str, tuple[VectorRecord, list[float]]] = field(default_factory=dict)


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector))
    return [x / norm for x in vector] if norm else vector


def _matches(record: VectorRecord, where: VectorFilter | None) -> bool:
    if where is None:
        return True
    if where.document_ids is not None and record.document_id not in set(where.document_ids):
        return False
    return all(record.metadata.get(k) == v for k, v in where.metadata.items())


class InMemoryVectorStore:
    def __init__(self) -> None:
        self._collections: dict[str, _Collection] = {}

    async def create_collection(self, collection: str, dimension: int, *, defer_index: bool = False) -> None:
        existing = self._collections.get(check_collection_name(collection))
        if existing is None:
            self._collections[collection] = _Collection(dimension)
        elif existing.dimension != dimension:
            raise VectorDimensionMismatch(collection, existing.dimension, dimension)

    async def build_index(self, collection: str) -> None:
        check_collection_name(collection)  # every search is exact here

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> None:
        store = self._collections.get(check_collection_name(collection))
        if store is None:
            raise VectorCollectionNotFound(collection)
        prepared = []
        for record in latest_per_id(records):
            check_metadata(record.metadata)
            prepared.append((record, _unit(check_vector(collection, store.dimension, record.vector))))
        for record, unit in prepared:
            store.records[record.id] = (record, unit)

    async def delete_ids(self, collection: str, ids: Sequence[str]) -> None:
        store = self._collections.get(check_collection_name(collection))
        for record_id in ids if store else ():
            store.records.pop(record_id, None)

    async def delete_document(self, collection: str, document_id: str) -> None:
        store = self._collections.get(check_collection_name(collection))
        if store:
            store.records = {k: v for k, v in store.records.items() if v[0].document_id != document_id}

    async def delete_collection(self, collection: str) -> None:
        self._collections.pop(check_collection_name(collection), None)

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int,
        score_threshold: float = 0.0,
        where: VectorFilter | None = None,
    ) -> list[VectorHit]:
        store = self._collections.get(check_collection_name(collection))
        check_filter(where)
        if store is None or top_k <= 0:
            return []
        query = _unit(check_vector(collection, store.dimension, vector))
        hits = [
            VectorHit(r.id, similarity_score(sum(a * b for a, b in zip(query, unit, strict=True))), r.text, r.metadata)
            for r, unit in store.records.values()
            if _matches(r, where)
        ]
        hits = [h for h in hits if h.score >= score_threshold]
        hits.sort(key=lambda h: -h.score)
        return hits[:top_k]

    async def search_text(
        self, collection: str, query: str, *, top_k: int, where: VectorFilter | None = None
    ) -> list[VectorHit]:
        """Counts occurrences of the query's words (case-insensitive) in each text."""
        store = self._collections.get(check_collection_name(collection))
        check_filter(where)
        terms = {w.lower() for w in _WORD.findall(query)}
        if store is None or not terms or top_k <= 0:
            return []
        hits = []
        for record, _ in store.records.values():
            score = sum(1 for w in _WORD.findall(record.text) if w.lower() in terms)
            if score and _matches(record, where):
                hits.append(VectorHit(record.id, float(score), record.text, record.metadata))
        hits.sort(key=lambda h: -h.score)
        return hits[:top_k]
