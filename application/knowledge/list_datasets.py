from dataclasses import dataclass
from uuid import UUID

from application.knowledge.dataset_view import DatasetView
from application.knowledge.guards import check_page
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class DatasetList:
    items: list[DatasetView]
    total: int


class ListDatasets:
    """A page of the workspace's datasets, newest first, optionally those whose name contains `keyword`.
    Rules: page ≥ 1, 1 ≤ limit ≤ 100."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, page: int = 1, limit: int = 20, keyword: str | None = None) -> DatasetList:
        check_page(page, limit)
        async with self._uow() as uow:
            found = await uow.datasets.list(tenant_id, page=page, limit=limit, keyword=keyword or None)
            counts = await uow.datasets.counts([d.id for d in found.items])
            tags = await uow.tags.of_targets([d.id for d in found.items])
        views = [DatasetView(d, *counts.get(d.id, (0, 0, 0)), tags=tags[d.id]) for d in found.items]
        return DatasetList(views, found.total)
