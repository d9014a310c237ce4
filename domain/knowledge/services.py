"""Ports of the indexing pipeline and of retrieval, besides the embedder and the vector store."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.knowledge.ports import Embedder


class FileStore(Protocol):
    """Keeps uploaded bytes under a key (the same contract as domain.files.ports.FileStorage).

    Errors: `load` of an unknown key raises FileNotFoundError; other I/O failures raise OSError.
    """

    async def save(self, key: str, data: bytes) -> None: ...

    async def load(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None:
        """Does nothing for an unknown key."""


class TextExtractor(Protocol):
    """Reads a file's text. `supports` tells by extension (lower case, no dot).

    Errors: UnsupportedFileType for an extension it cannot read; ExtractionFailed for a corrupt file.
    """

    def supports(self, extension: str) -> bool: ...

    def extensions(self) -> tuple[str, ...]:
        """Every extension it reads (what the console offers for knowledge uploads)."""

    async def extract(self, data: bytes, extension: str) -> str: ...


class IndexingQueue(Protocol):
    """Hands documents to the indexing workers (the `dataset` queue). Errors: StoreUnavailable when the
    queue cannot take the job (the document stays waiting and the recovery sweep will enqueue it)."""

    async def index_documents(self, document_ids: Sequence[UUID]) -> None: ...


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """A segment (or, in a parent-child document, a child chunk) matching a keyword query."""

    segment_id: UUID
    child_id: UUID | None
    score: float


class KeywordIndex(Protocol):
    """Full-text search over the stored segments of a dataset (economy datasets and full_text_search).

    Contract: hits contain at least one of the query's words, best first, at most top_k; scores are
    positive and comparable only within one answer; only segments of `document_ids` count, and only
    enabled ones. A query with no word finds nothing. Errors: StoreUnavailable.
    """

    async def search(
        self, dataset_id: UUID, query: str, *, top_k: int, document_ids: Sequence[UUID], children: bool
    ) -> list[KeywordHit]: ...


class EmbeddingCache(Protocol):
    """Vectors already computed, keyed by (provider, model, sha256 of the text). Never raises for a miss."""

    async def get_many(self, provider: str, model: str, hashes: Sequence[str]) -> Mapping[str, list[float]]: ...

    async def put_many(self, provider: str, model: str, vectors: Mapping[str, Sequence[float]]) -> None:
        """Stores the vectors; a hash already stored is left as it is."""


@dataclass(frozen=True, slots=True)
class EmbeddingModelInfo:
    provider: str
    model: str
    dimension: int | None
    label: str


class EmbedderCatalog(Protocol):
    """The embedding models a workspace can use, and the Embedder of each.

    Errors: InvalidParam (param embedding_model) when the workspace has no such model.
    """

    @property
    def default(self) -> EmbeddingModelInfo: ...

    async def models(self, tenant_id: UUID) -> list[EmbeddingModelInfo]: ...

    async def embedder(self, tenant_id: UUID, provider: str | None, model: str | None) -> Embedder: ...
