from uuid import UUID

from application.knowledge.guards import load_dataset
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.ports import VectorStore
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class DeleteDataset:
    """Deletes a dataset, its documents and segments, then its vector collection.

    The rows go first: a failure afterwards leaves an orphan collection (harmless, named after a dataset
    that no longer exists), never a dataset pointing at missing vectors.
    """

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, vectors: VectorStore) -> None:
        self._uow = uow
        self._vectors = vectors

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> None:
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id, lock=True)
            await uow.datasets.delete(dataset.id)
            await uow.commit()
        await self._vectors.delete_collection(collection_for_dataset(dataset.id))
