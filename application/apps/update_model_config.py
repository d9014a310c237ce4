from dataclasses import replace
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import AppMode
from domain.apps.model_config import AppModelConfig, parse_model_config
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory


class UpdateModelConfig:
    """Saves a new model config version for a chat, agent-chat or completion app (Dify's easy-UI apps)."""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator) -> None:
        self._uow = uow
        self._ids = ids

    async def execute(
        self, tenant_id: UUID, app_id: UUID, body: dict[str, Any], account_id: UUID | None = None
    ) -> AppModelConfig:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            if app.mode not in (AppMode.CHAT, AppMode.AGENT_CHAT, AppMode.COMPLETION):
                raise InvalidParam("Workflow apps are configured with their workflow, not a model config.")
            config = replace(parse_model_config(app.id, self._ids.new_id(), body), created_by=account_id)
            await uow.model_configs.add(config)
            await uow.commit()
        return config
