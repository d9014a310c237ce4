from uuid import UUID

from domain.knowledge.services import EmbedderCatalog, EmbeddingModelInfo
from domain.shared.errors import InvalidParam

MODEL_TYPES = ("text-embedding", "rerank", "llm", "speech2text", "tts", "moderation")


class ListEmbeddingModels:
    """The models of a type the workspace can use, grouped by provider. Only text-embedding models are
    served by weir's knowledge context; other known types list nothing; an unknown type is 400."""

    def __init__(self, catalog: EmbedderCatalog) -> None:
        self._catalog = catalog

    async def execute(self, tenant_id: UUID, model_type: str) -> dict[str, list[EmbeddingModelInfo]]:
        if model_type not in MODEL_TYPES:
            raise InvalidParam(f"Invalid model_type: {model_type}.", param="model_type")
        if model_type != "text-embedding":
            return {}
        grouped: dict[str, list[EmbeddingModelInfo]] = {}
        for model in await self._catalog.models(tenant_id):
            grouped.setdefault(model.provider, []).append(model)
        return grouped
