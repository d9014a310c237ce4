from dataclasses import dataclass
from uuid import UUID

from domain.apps.model_config import ModelSettings
from domain.models.catalogue import provider_name
from domain.models.errors import ProviderNotInitialized
from domain.models.ports import ChatModel, ChatModelFactory
from domain.models.providers import ModelEntry, ProviderCredentials
from domain.shared.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    model: ChatModel
    entry: ModelEntry
    provider: str


class ResolveModel:
    """Finds who serves an app's model: the workspace's credentials for its provider, else the instance's
    environment fallback (OPENAI_API_BASE / OPENAI_API_KEY). Neither → ProviderNotInitialized.

    The provider may be named as Dify ≥ 1.0 writes it, by plugin id (`langgenius/deepseek/deepseek`),
    or by its bare name (`deepseek`): both find the same credentials."""

    def __init__(self, uow: UnitOfWorkFactory, factory: ChatModelFactory, fallback: ProviderCredentials | None) -> None:
        self._uow = uow
        self._factory = factory
        self._fallback = fallback

    async def execute(self, tenant_id: UUID, settings: ModelSettings) -> ResolvedModel:
        name = provider_name(settings.provider)
        async with self._uow() as uow:
            credentials = await uow.providers.get(tenant_id, name)
        if credentials is None and self._fallback is not None and name in ("openai", self._fallback.provider):
            credentials = self._fallback
        if credentials is None:
            raise ProviderNotInitialized()
        return ResolvedModel(
            self._factory.for_credentials(credentials), credentials.model(settings.name), settings.provider
        )

    async def default_settings(self, tenant_id: UUID) -> ModelSettings:
        """The workspace's default LLM, else the first model of a configured provider, else the fallback's."""
        async with self._uow() as uow:
            defaults = await uow.providers.defaults(tenant_id)
            providers = await uow.providers.for_tenant(tenant_id)
        llm = next((d for d in defaults if d.model_type == "llm"), None)
        if llm is not None:
            return ModelSettings(provider=llm.provider, name=llm.model)
        for credentials in [*providers, *([self._fallback] if self._fallback else [])]:
            chat = next((m for m in credentials.models if m.model_type == "llm"), None)
            if chat is not None:
                return ModelSettings(provider=credentials.provider, name=chat.name)
        raise ProviderNotInitialized()
