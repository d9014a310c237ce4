"""The embedding models a workspace can use: the local MiniLM model, always there and offline."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from adapters.embeddings.local_onnx import DIMENSION, MODEL_NAME, LocalOnnxEmbedder
from adapters.embeddings.openai_compatible import OpenAICompatibleEmbedder
from domain.knowledge.ports import Embedder
from domain.knowledge.services import EmbeddingModelInfo
from domain.models.catalogue import find_provider, same_provider
from domain.models.providers import ModelEntry, ProviderCredentials
from domain.models.specs import ModelType
from domain.shared.errors import InvalidParam

LOCAL_PROVIDER = "weir_local"
_LOCAL_PROVIDER_NAMES = {LOCAL_PROVIDER, f"langgenius/{LOCAL_PROVIDER}/{LOCAL_PROVIDER}"}
LOCAL_MODEL = EmbeddingModelInfo(provider=LOCAL_PROVIDER, model=MODEL_NAME, dimension=DIMENSION, label=MODEL_NAME)


class LocalEmbedderCatalog:
    """Serves the local model for the provider `weir_local` (or no provider) and the model
    `all-MiniLM-L6-v2` (or no model); anything else is an unknown model."""

    def __init__(self, local: LocalOnnxEmbedder) -> None:
        self._local = local

    @property
    def default(self) -> EmbeddingModelInfo:
        return LOCAL_MODEL

    async def models(self, tenant_id: UUID) -> list[EmbeddingModelInfo]:
        return [LOCAL_MODEL]

    async def embedder(self, tenant_id: UUID, provider: str | None, model: str | None) -> Embedder:
        if (provider or LOCAL_PROVIDER) in _LOCAL_PROVIDER_NAMES and (model or MODEL_NAME) == MODEL_NAME:
            return self._local
        raise InvalidParam(
            f"Embedding model {provider or ''}/{model or ''} is not available in this workspace.",
            param="embedding_model",
        )


ProvidersOf = Callable[[UUID], Awaitable[list[ProviderCredentials]]]


def embedding_entries(credentials: ProviderCredentials) -> list[ModelEntry]:
    """The embedding models a provider's credentials reach: those configured with mode `embedding`, then the
    catalogue's predefined ones (OpenAI's text-embedding-3-small…) where weir serves the provider's embeddings."""
    configured = [m for m in credentials.models if m.is_embedding]
    spec = find_provider(credentials.provider)
    if spec is None or ModelType.TEXT_EMBEDDING not in spec.served_model_types:
        return configured
    names = {m.name for m in credentials.models}
    predefined = [
        credentials.model(m.name)
        for m in spec.models
        if m.model_type is ModelType.TEXT_EMBEDDING and m.name not in names
    ]
    return [*configured, *predefined]


class WorkspaceEmbedderCatalog:
    """The local model, plus the embedding models of the workspace's providers (embedding_entries): a dataset
    names one by `embedding_model_provider` / `embedding_model`."""

    def __init__(self, local: LocalEmbedderCatalog, providers_of: ProvidersOf) -> None:
        self._local = local
        self._providers_of = providers_of
        self._remote: dict[tuple[str, str | None, str], OpenAICompatibleEmbedder] = {}

    @property
    def default(self) -> EmbeddingModelInfo:
        return self._local.default

    async def models(self, tenant_id: UUID) -> list[EmbeddingModelInfo]:
        remote = [
            EmbeddingModelInfo(provider=p.provider, model=m.name, dimension=m.dimension, label=m.name)
            for p in await self._providers_of(tenant_id) for m in embedding_entries(p)
        ]
        return [*await self._local.models(tenant_id), *remote]

    async def embedder(self, tenant_id: UUID, provider: str | None, model: str | None) -> Embedder:
        for credentials in await self._providers_of(tenant_id):
            if not same_provider(credentials.provider, provider):  # a plugin id or a bare name
                continue
            entry = next((m for m in embedding_entries(credentials) if m.name == model), None)
            if entry is not None:
                key = (credentials.endpoint_url, credentials.api_key, entry.name)
                if key not in self._remote:  # one client (and its learnt dimension) per endpoint and model
                    self._remote[key] = OpenAICompatibleEmbedder(
                        credentials.endpoint_url, credentials.api_key or "", entry.name, entry.dimension
                    )
                return self._remote[key]
        return await self._local.embedder(tenant_id, provider, model)
