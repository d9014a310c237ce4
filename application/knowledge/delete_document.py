from uuid import UUID

from application.knowledge.guards import load_document
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.ports import VectorStore
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class DeleteDocument:
    """Deletes a document, its segments and its vectors. Rules: an archived document is immutable (403)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, vectors: VectorStore) -> None:
        self._uow = uow
        self._vectors = vectors

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> None:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            document.check_mutable()
            await uow.documents.delete(document.id)
            await uow.commit()
        await self._vectors.delete_document(collection_for_dataset(dataset_id), str(document_id))
