from contextlib import aclosing
from uuid import UUID

from application.models.resolve_model import ResolveModel
from domain.knowledge.qa import QA_INSTRUCTION, QaPair, parse_qa
from domain.models.entities import ChatMessage, ChatRequest


class LlmQuestionWriter:
    """The QuestionWriter on the workspace's default LLM (Dify writes Q&A with the tenant's default model)."""

    def __init__(self, resolve_model: ResolveModel) -> None:
        self._resolve = resolve_model

    async def pairs(self, tenant_id: UUID, text: str, language: str) -> list[QaPair]:
        settings = await self._resolve.default_settings(tenant_id)
        resolved = await self._resolve.execute(tenant_id, settings)
        request = ChatRequest(
            model=settings.name,
            messages=(
                ChatMessage.system(QA_INSTRUCTION.format(language=language or "English")),
                ChatMessage.user(text),
            ),
            params={"temperature": 0.01},
        )
        parts = []
        async with aclosing(resolved.model.stream(request)) as chunks:
            async for chunk in chunks:
                parts.append(chunk.delta)
        return parse_qa("".join(parts))
