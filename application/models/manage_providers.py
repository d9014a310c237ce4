from typing import Any
from uuid import UUID

from domain.models.providers import DefaultModel, ProviderCredentials, parse_credentials
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory

MODEL_TYPES = ("llm", "text-embedding", "rerank")


class SaveProviderCredentials:
    """Stores a workspace's credentials for `openai` or `openai_api_compatible`; secrets are encrypted by the
    repository and shown masked. A masked api_key in the body keeps the stored one (Dify's rule)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, provider: str, credentials: dict[str, Any]) -> ProviderCredentials:
        if not isinstance(credentials, dict):
            raise InvalidParam("credentials must be an object", param="credentials")
        async with self._uow() as uow:
            existing = await uow.providers.get(tenant_id, provider)
            parsed = parse_credentials(tenant_id, provider, credentials, existing, self._clock.now())
            await uow.providers.save(parsed)
            await uow.commit()
        return parsed


class ListProviders:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID) -> tuple[list[ProviderCredentials], list[DefaultModel]]:
        async with self._uow() as uow:
            return await uow.providers.for_tenant(tenant_id), await uow.providers.defaults(tenant_id)


class SetDefaultModels:
    """Sets the workspace's default model per type (llm, text-embedding, rerank)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, settings: list[dict[str, Any]]) -> None:
        defaults = []
        for item in settings:
            if not isinstance(item, dict) or item.get("model_type") not in MODEL_TYPES:
                raise InvalidParam(f"model_type must be one of {', '.join(MODEL_TYPES)}", param="model_settings")
            if not item.get("provider") or not item.get("model"):
                raise InvalidParam("provider and model are required", param="model_settings")
            defaults.append(DefaultModel(item["model_type"], str(item["provider"]), str(item["model"])))
        async with self._uow() as uow:
            for default in defaults:
                await uow.providers.save_default(tenant_id, default)
            await uow.commit()
