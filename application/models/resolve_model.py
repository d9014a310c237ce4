from dataclasses import dataclass
from uuid import UUID

from domain.apps.model_config import ModelSettings
from domain.models.catalogue import provider_name
from domain.models.errors import ProviderNotInitialized
from domain.models.ports import ChatModel, ChatModelFactory
from domain.models.providers import ModelEntry, ProviderCredentials
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory


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
        async with self._uow() as uow:
            credentials = await self.credentials(uow, tenant_id, settings)
        return self.resolved(credentials, settings)

    async def credentials(
        self, uow: UnitOfWork, tenant_id: UUID, settings: ModelSettings
    ) -> ProviderCredentials | None:
        """The workspace's stored credentials for the model's provider, read in the caller's transaction (a
        use case that reads more in the same transaction saves a round trip); None when it has none."""
        return await uow.providers.get(tenant_id, provider_name(settings.provider))

    def resolved(self, credentials: ProviderCredentials | None, settings: ModelSettings) -> ResolvedModel:
        """The model that serves `settings`: the workspace's credentials, else the instance's fallback."""
        name = provider_name(settings.provider)
        if credentials is None and self._fallback is not None and name in ("openai", self._fallback.provider):
            credentials = self._fallback
        if credentials is None:
            raise ProviderNotInitialized()
        return ResolvedModel(
            self._factory.for_credentials(credentials), credentials.model(settings.name), settings.provider
        )

    async def default_settings(self, tenant_id: UUID, uow: UnitOfWork | None = None) -> ModelSettings:
        """The workspace's default LLM, else the first model of a configured provider, else the fallback's
        (read in `uow` when given, else in a transaction of its own)."""
        if uow is None:
            async with self._uow() as own:
                return await self.default_settings(tenant_id, own)
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
