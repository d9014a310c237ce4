from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.model_config import AppModelConfig
from domain.shared.unit_of_work import UnitOfWorkFactory


class GetAppModelConfig:
    """An app's current model config (what the console's orchestrate page edits); None before the first save.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID) -> AppModelConfig | None:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            return await uow.model_configs.current(app.id)
