from uuid import UUID

from application.knowledge.dataset_view import DatasetView
from application.knowledge.guards import load_dataset
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class GetDataset:
    """One dataset of the workspace (404 when it is another's)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> DatasetView:
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id)
            counts = await uow.datasets.counts([dataset.id])
            tags = (await uow.tags.of_targets([dataset.id]))[dataset.id]
        return DatasetView(dataset, *counts.get(dataset.id, (0, 0, 0)), tags=tags)
