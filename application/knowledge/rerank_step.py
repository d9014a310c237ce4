"""The rerank step of retrieval: finds the workspace's rerank model and lets it reorder candidates."""

from collections.abc import Awaitable, Callable, Sequence
from uuid import UUID

from domain.knowledge.rerank import RerankHit, RerankModelFactory, RerankSetting
from domain.models.catalogue import same_provider
from domain.models.errors import ProviderNotInitialized
from domain.models.providers import ProviderCredentials

ProvidersOf = Callable[[UUID], Awaitable[list[ProviderCredentials]]]


class RerankStep:
    """Rules: the model is a workspace provider's model entry with mode `rerank` (named by plugin id or
    bare name); calls go to that provider's endpoint (its base URL override, else the catalogue's default)
    with its key. A model not configured is
    ProviderNotInitialized; the endpoint's failures are CompletionRequestError (both Dify's 400s).

    The catalogue's model types do not gate it: they lag the servers (vLLM serves `/rerank` while its entry
    lists no rerank type), and a workspace that configured a rerank model says its endpoint has one."""

    def __init__(self, providers_of: ProvidersOf, factory: RerankModelFactory) -> None:
        self._providers_of, self._factory = providers_of, factory

    async def rerank(
        self, tenant_id: UUID, setting: RerankSetting, query: str, texts: Sequence[str], *, top_n: int
    ) -> list[RerankHit]:
        if not texts:
            return []  # nothing to ask about: no call, so an empty dataset never needs a reachable model
        for credentials in await self._providers_of(tenant_id):
            if not same_provider(credentials.provider, setting.provider):
                continue
            entry = next((m for m in credentials.models if m.is_rerank and m.name == setting.model), None)
            if entry is not None:
                model = self._factory.create(credentials.endpoint_url, credentials.api_key,
                                             entry.remote_name or entry.name)
                return await model.rerank(query, list(texts), top_n)
        raise ProviderNotInitialized(
            f"Rerank model {setting.provider}/{setting.model} is not configured in this workspace: add it to the "
            "provider's models with mode rerank."
        )
