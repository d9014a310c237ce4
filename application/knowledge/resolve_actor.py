from uuid import UUID

from application.knowledge.guards import Actor
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class ResolveActor:
    """Who a dataset key acts as: its workspace's owner, as in Dify (none when the workspace has no owner)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID) -> Actor:
        async with self._uow() as uow:
            return Actor(tenant_id, await uow.datasets.owner_of(tenant_id))
