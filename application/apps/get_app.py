from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import App
from domain.shared.unit_of_work import UnitOfWorkFactory


class GetApp:
    """One app of the caller's workspace; AppNotFound otherwise."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID) -> App:
        async with self._uow() as uow:
            return await app_in_tenant(uow, tenant_id, app_id)
