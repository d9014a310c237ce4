"""An app's annotation questions in the vector store: each question embedded once, searched by the query."""

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.knowledge.embedding import dimension_of
from domain.annotations.entities import Annotation, AnnotationSetting, collection_name
from domain.knowledge.ports import VectorRecord, VectorStore
from domain.knowledge.services import EmbedderCatalog


@dataclass(frozen=True, slots=True)
class Match:
    annotation_id: UUID
    score: float


class AnnotationIndex:
    """Questions are indexed with the setting's embedding model; the collection is the app's alone, so turning
    reply off (or on again with another model) drops it whole."""

    def __init__(self, catalog: EmbedderCatalog, vectors: VectorStore) -> None:
        self._catalog = catalog
        self._vectors = vectors

    async def add(self, tenant_id: UUID, setting: AnnotationSetting, annotations: Sequence[Annotation]) -> None:
        if not annotations:
            return
        embedder = await self._catalog.embedder(tenant_id, setting.embedding_provider, setting.embedding_model)
        vectors = await embedder.embed_documents([a.question for a in annotations])
        collection = collection_name(setting.app_id)
        await self._vectors.create_collection(collection, await dimension_of(embedder))
        await self._vectors.upsert(
            collection,
            [
                VectorRecord(
                    id=str(a.id),
                    vector=v,
                    text=a.question,
                    metadata={"annotation_id": str(a.id), "document_id": str(a.id), "app_id": str(a.app_id)},
                )
                for a, v in zip(annotations, vectors, strict=True)
            ],
        )

    async def remove(self, app_id: UUID, annotation_ids: Sequence[UUID]) -> None:
        await self._vectors.delete_ids(collection_name(app_id), [str(i) for i in annotation_ids])

    async def drop(self, app_id: UUID) -> None:
        await self._vectors.delete_collection(collection_name(app_id))

    async def best(self, tenant_id: UUID, setting: AnnotationSetting, query: str) -> Match | None:
        """The annotation whose question is nearest the query, when it scores at least the threshold."""
        embedder = await self._catalog.embedder(tenant_id, setting.embedding_provider, setting.embedding_model)
        hits = await self._vectors.search(
            collection_name(setting.app_id),
            await embedder.embed_query(query),
            top_k=1,
            score_threshold=setting.score_threshold,
        )
        if not hits:
            return None
        return Match(UUID(hits[0].metadata["annotation_id"]), hits[0].score)
