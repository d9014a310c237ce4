"""Keeping a dataset's vectors in step with segments edited through the API."""

from collections.abc import Sequence

from application.knowledge.embedding import dimension_of, embed_cached, vector_records
from application.knowledge.segment_vectors import vector_ids, vector_items
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.dataset import Dataset
from domain.knowledge.document import DocForm
from domain.knowledge.ports import VectorStore
from domain.knowledge.segment import Segment
from domain.knowledge.services import EmbedderCatalog, EmbeddingCache


class SegmentIndexer:
    """Writes and removes the vectors of segments. Economy datasets have none (keyword search reads rows)."""

    def __init__(self, catalog: EmbedderCatalog, cache: EmbeddingCache, vectors: VectorStore) -> None:
        self._catalog = catalog
        self._cache = cache
        self._vectors = vectors

    async def write(self, dataset: Dataset, doc_form: DocForm, segments: Sequence[Segment]) -> None:
        if not dataset.is_high_quality:
            return
        embedder = await self._catalog.embedder(dataset.tenant_id, dataset.embedding_model_provider,
                                                dataset.embedding_model)
        collection = collection_for_dataset(dataset.id)
        await self._vectors.create_collection(collection, await dimension_of(embedder))
        items = vector_items(segments, doc_form)
        provider = dataset.embedding_model_provider or self._catalog.default.provider
        vectors = await embed_cached(embedder, self._cache, provider, [text for _, text, _ in items])
        await self._vectors.upsert(collection, vector_records(items, vectors))

    async def remove(self, dataset: Dataset, doc_form: DocForm, segments: Sequence[Segment]) -> None:
        if dataset.is_high_quality:
            await self._vectors.delete_ids(collection_for_dataset(dataset.id), vector_ids(segments, doc_form))

    async def remove_ids(self, dataset: Dataset, ids: Sequence[str]) -> None:
        if dataset.is_high_quality and ids:
            await self._vectors.delete_ids(collection_for_dataset(dataset.id), list(ids))
