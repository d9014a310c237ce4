from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.entities import Workflow


class ListPublishedVersions:
    """A workflow app's published versions for the editor's version history, newest first, and the one live now.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise); 1 ≤ limit ≤ 100, page ≥ 1."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, app_id: UUID, page: int, limit: int
    ) -> tuple[list[Workflow], bool, Workflow | None]:
        if page < 1 or not 1 <= limit <= 100:
            raise InvalidParam("page must be ≥ 1 and limit between 1 and 100", param="limit")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            versions, more = await uow.workflows.versions(app.id, page=page, limit=limit)
            return versions, more, await uow.workflows.published(app.id)
