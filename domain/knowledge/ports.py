"""What the knowledge core needs from the world: an embedding model and a vector store."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

# Metadata values a vector store can filter on by equality.
MetaValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class VectorRecord:
    """One indexed chunk. `metadata` carries dataset_id, document_id, segment_id, doc_hash, enabled …;
    `document_id` in it is what `delete_document` and the document filter use."""

    id: str
    vector: Sequence[float]
    text: str
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)

    @property
    def document_id(self) -> str | None:
        value = self.metadata.get("document_id")
        return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class VectorFilter:
    """Hits must belong to one of `document_ids` (when given) and match every `metadata` pair exactly."""

    document_ids: Sequence[str] | None = None
    metadata: Mapping[str, MetaValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VectorHit:
    id: str
    score: float
    text: str
    metadata: Mapping[str, MetaValue]


class Embedder(Protocol):
    """Turns text into vectors of one model.

    Contract: `embed_documents` returns one vector per text, in order, each of length `dimension`
    (an empty list for no texts); vectors are L2-normalised, so a dot product is the cosine similarity;
    the same text always gives the same vector. Errors: EmbeddingUnavailable when the model cannot be
    run or reached (after the adapter's own retries); nothing partial is returned.
    """

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    async def embed_query(self, text: str) -> list[float]: ...


class VectorStore(Protocol):
    """Collections of vectors with their text and metadata, searched by cosine similarity.

    Contract: a collection name is [A-Za-z_][A-Za-z0-9_]*, at most 53 characters (Dify's
    `Vector_index_<dataset id>_Node` fits). Records are keyed by id: upserting an id again replaces it.
    Scores are the cosine similarity clamped to [0, 1] (an opposite vector scores 0), best first.
    Searching or deleting in a missing collection finds nothing and does nothing.
    Errors: VectorStoreUnavailable when the backend fails; VectorDimensionMismatch when a vector's
    length differs from the collection's dimension; VectorCollectionNotFound when upserting into a
    collection never created; ValueError for a malformed collection name or metadata key.
    """

    async def create_collection(self, collection: str, dimension: int, *, defer_index: bool = False) -> None:
        """Creates the collection unless it exists; an existing one of another dimension is a mismatch.

        `defer_index`: a collection this call creates gets no approximate index yet, so a bulk first load
        does not pay for one row by row; until `build_index`, searches scan it exactly (same answers).
        """

    async def build_index(self, collection: str) -> None:
        """Gives the collection its approximate index if it has none (a no-op otherwise, for a missing
        collection, and for stores that always index as they insert)."""

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> None:
        """Stores the records, replacing any with the same id; visible to `search` once this returns."""

    async def delete_ids(self, collection: str, ids: Sequence[str]) -> None: ...

    async def delete_document(self, collection: str, document_id: str) -> None:
        """Removes every record whose metadata document_id is this one, and no other."""

    async def delete_collection(self, collection: str) -> None: ...

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int,
        score_threshold: float = 0.0,
        where: VectorFilter | None = None,
    ) -> list[VectorHit]:
        """At most top_k hits with score >= score_threshold, best first."""


class FullTextSearch(Protocol):
    """Keyword search over the same collections (Dify's full_text_search).

    Contract: hits contain at least one of the query's words, best first, at most top_k; the score is
    positive and comparable only within one answer (normalise before fusing). A missing collection or
    a query with no searchable word finds nothing. Errors: VectorStoreUnavailable.
    """

    async def search_text(
        self, collection: str, query: str, *, top_k: int, where: VectorFilter | None = None
    ) -> list[VectorHit]: ...
