from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import TokenType
from domain.apps.errors import ApiKeyNotFound
from domain.apps.ports import CallerCache, NoCallerCache
from domain.shared.unit_of_work import UnitOfWorkFactory


class DeleteApiKey:
    """Revokes a key; requests with it fail with 401 from then on. A key of another owner is not found."""

    def __init__(self, uow: UnitOfWorkFactory, cache: CallerCache | None = None) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()

    async def execute(self, tenant_id: UUID, type: TokenType, key_id: UUID, app_id: UUID | None = None) -> None:
        async with self._uow() as uow:
            if type == TokenType.APP:
                assert app_id is not None, "app keys are deleted per app"
                await app_in_tenant(uow, tenant_id, app_id)
            keys = await uow.api_tokens.list_for(tenant_id, type, app_id if type == TokenType.APP else None)
            if key_id not in {key.id for key in keys}:
                raise ApiKeyNotFound()
            await uow.api_tokens.delete(key_id)
            await uow.commit()
        await self._cache.forget_key(key_id)
