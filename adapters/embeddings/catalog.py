"""The embedding models a workspace can use: the local MiniLM model, always there and offline."""

from uuid import UUID

from adapters.embeddings.local_onnx import DIMENSION, MODEL_NAME, LocalOnnxEmbedder
from domain.knowledge.ports import Embedder
from domain.knowledge.services import EmbeddingModelInfo
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
