from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import App
from domain.apps.ports import CallerCache, NoCallerCache
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory


class SetApiAccess:
    """Turns an app's Service API on or off; while off, its keys get 403 from /v1."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, cache: CallerCache | None = None) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()
        self._clock = clock

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, enabled: bool) -> App:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            app.set_api_enabled(enabled, self._clock.now(), account_id)
            await uow.apps.update(app)
            await uow.commit()
        await self._cache.forget_app(app.id)
        return app
