from uuid import UUID

from application.knowledge.guards import load_dataset
from domain.knowledge.tags import Tag
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class ListDatasetTags:
    """The tags of one dataset, by name."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> list[Tag]:
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id)
            return (await uow.tags.of_targets([dataset.id]))[dataset.id]
