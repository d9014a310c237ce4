from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import ApiToken, TokenType
from domain.shared.unit_of_work import UnitOfWorkFactory


class ListApiKeys:
    """The keys of one app (app keys) or of the workspace (dataset keys), oldest first."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, type: TokenType, app_id: UUID | None = None) -> list[ApiToken]:
        async with self._uow() as uow:
            if type == TokenType.APP:
                assert app_id is not None, "app keys are listed per app"
                await app_in_tenant(uow, tenant_id, app_id)
            return await uow.api_tokens.list_for(tenant_id, type, app_id if type == TokenType.APP else None)
