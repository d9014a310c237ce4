"""Re-storing a workspace's vectors, e.g. into another vector store (`weir datasets reindex`)."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar
from uuid import UUID

from application.knowledge.embedding import dimension_of, embed_cached, vector_records
from application.knowledge.guards import load_dataset
from application.knowledge.segment_vectors import vector_items
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.dataset import Dataset
from domain.knowledge.document import Document, IndexingStatus
from domain.knowledge.ports import VectorStore
from domain.knowledge.repositories import Page
from domain.knowledge.services import EmbedderCatalog, EmbeddingCache
from domain.knowledge.unit_of_work import KnowledgeUnitOfWork, KnowledgeUnitOfWorkFactory

PAGE = 100
T = TypeVar("T")


class ReindexProgress(Protocol):
    """Told the number of segments to re-store, then how many more are done (a progress bar)."""

    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, done: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class ReindexRequest:
    tenant_id: UUID
    dataset_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class ReindexReport:
    datasets: int
    documents: int
    segments: int
    vectors: int


class ReindexDatasets:
    """Embeds again (through the embeddings cache) and stores every segment of the workspace's datasets,
    or of one, into the vector store this use case was given.

    Rules: only high_quality datasets have vectors (economy ones are skipped); only completed documents
    are re-stored (the others are still being indexed by their job, into the configured store); each
    document's old vectors are deleted from the target before its segments are written, and vector ids
    derive from the segments, so running it twice leaves the same vectors, never duplicates. Disabled
    segments get no vector, as at indexing. A named dataset must exist and have the API enabled.
    """

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, catalog: EmbedderCatalog, cache: EmbeddingCache, vectors: VectorStore
    ) -> None:
        self._uow, self._catalog, self._cache, self._vectors = uow, catalog, cache, vectors

    async def execute(self, request: ReindexRequest, progress: ReindexProgress | None = None) -> ReindexReport:
        progress = progress or _Silent()
        plan = [(d, await self._completed_documents(d)) for d in await self._datasets(request) if d.is_high_quality]
        async with self._uow() as uow:
            counts = await uow.segments.progress([doc.id for _, docs in plan for doc in docs])
        progress.start(sum(total for _, total in counts.values()))
        segments = vectors = 0
        for dataset, documents in plan:
            for document in documents:
                done = await self._reindex(dataset, document, progress)
                segments, vectors = segments + done[0], vectors + done[1]
        return ReindexReport(len(plan), sum(len(docs) for _, docs in plan), segments, vectors)

    async def _datasets(self, request: ReindexRequest) -> list[Dataset]:
        if request.dataset_id is not None:
            async with self._uow() as uow:
                return [await load_dataset(uow, request.tenant_id, request.dataset_id)]
        return [d async for d in self._pages(lambda uow, page: uow.datasets.list(
            request.tenant_id, page=page, limit=PAGE, keyword=None))]

    async def _completed_documents(self, dataset: Dataset) -> list[Document]:
        documents = self._pages(lambda uow, page: uow.documents.list(
            dataset.id, page=page, limit=PAGE, keyword=None, display_status=None))
        return [d async for d in documents if d.indexing_status is IndexingStatus.COMPLETED]

    async def _pages(self, fetch: Callable[[KnowledgeUnitOfWork, int], Awaitable[Page[T]]]) -> AsyncIterator[T]:
        page, seen = 1, 0
        while True:
            async with self._uow() as uow:
                found = await fetch(uow, page)
            for item in found.items:
                yield item
            seen += len(found.items)
            if not found.items or seen >= found.total:
                return
            page += 1

    async def _reindex(self, dataset: Dataset, document: Document, progress: ReindexProgress) -> tuple[int, int]:
        embedder = await self._catalog.embedder(dataset.tenant_id, dataset.embedding_model_provider,
                                                dataset.embedding_model)
        provider = dataset.embedding_model_provider or self._catalog.default.provider
        collection = collection_for_dataset(dataset.id)
        await self._vectors.create_collection(collection, await dimension_of(embedder))
        await self._vectors.delete_document(collection, str(document.id))
        segments = vectors = 0
        batches = self._pages(lambda uow, page: uow.segments.list(
            document.id, page=page, limit=PAGE, keyword=None, statuses=()))
        batch = []
        async for segment in batches:
            batch.append(segment)
            if len(batch) == PAGE:
                vectors += await self._store(embedder, provider, collection, document, batch)
                segments, batch = segments + len(batch), []
                progress.advance(PAGE)
        if batch:
            vectors += await self._store(embedder, provider, collection, document, batch)
            segments += len(batch)
            progress.advance(len(batch))
        return segments, vectors

    async def _store(self, embedder, provider: str, collection: str, document: Document, batch) -> int:
        items = vector_items(batch, document.doc_form)
        if items:
            embedded = await embed_cached(embedder, self._cache, provider, [text for _, text, _ in items])
            await self._vectors.upsert(collection, vector_records(items, embedded))
        return len(items)
