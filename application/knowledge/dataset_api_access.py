"""A dataset's Knowledge API access: the console's switch, and the check a dataset key's request meets."""

from dataclasses import replace
from uuid import UUID

from domain.knowledge.dataset import Dataset
from domain.knowledge.errors import DatasetApiDisabled, DatasetNotFound
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock


class SetDatasetApiAccess:
    """Turns a dataset's Knowledge API access on or off. Rules: a dataset of the workspace (else not found);
    who switched it and when are recorded (Dify's updated_by, updated_at); the console keeps its access."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, account_id: UUID, dataset_id: UUID, enabled: bool) -> Dataset:
        async with self._uow() as uow:
            dataset = await uow.datasets.get_for_update(tenant_id, dataset_id)
            if dataset is None:
                raise DatasetNotFound()
            updated = replace(dataset, enable_api=enabled, updated_by=account_id, updated_at=self._clock.now())
            await uow.datasets.update(updated)
            await uow.commit()
        return updated


class CheckDatasetApiAccess:
    """What a dataset key's request that names a dataset meets first (Dify's dataset token guard): the dataset
    is the key's workspace's (else not found), and its API access is on (else 403)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> None:
        async with self._uow() as uow:
            dataset = await uow.datasets.get(tenant_id, dataset_id)
        if dataset is None:
            raise DatasetNotFound()
        if not dataset.enable_api:
            raise DatasetApiDisabled()
