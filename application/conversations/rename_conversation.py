from contextlib import aclosing
from uuid import UUID

from application.conversations.owned import owned_conversation
from application.models.resolve_model import ResolveModel
from domain.apps.entities import App, EndUser
from domain.conversations.entities import Conversation
from domain.models.entities import ChatMessage, ChatRequest
from domain.shared.clock import Clock
from domain.shared.errors import DomainError, InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory

NAME_MAX = 60
_INSTRUCTION = (
    "Write a short title (at most 8 words) for a conversation that starts with the user message below. "
    "Answer with the title only, no quotes, in the language of the message."
)


class RenameConversation:
    """Renames a conversation, or names it from its first query with the app's model (`auto_generate`).

    Rules: a name is required unless auto_generate; auto_generate on a conversation without messages is
    400 invalid_param; if the model fails, the first query itself (trimmed) becomes the name.
    """

    def __init__(self, uow: UnitOfWorkFactory, resolve_model: ResolveModel, clock: Clock) -> None:
        self._uow = uow
        self._resolve = resolve_model
        self._clock = clock

    async def execute(
        self, app: App, end_user: EndUser, conversation_id: UUID, name: str | None, auto_generate: bool
    ) -> Conversation:
        async with self._uow() as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            first = await uow.messages.first(conversation.id)
            config = await uow.model_configs.current(app.id)
        if auto_generate:
            if first is None:
                raise InvalidParam("The conversation has no messages to name it from.", param="auto_generate")
            name = await self._generated_name(app, config.model if config else None, first.query)
        elif not (name or "").strip():
            raise InvalidParam("name is required when auto_generate is false", param="name")
        conversation.rename(name.strip()[:NAME_MAX], self._clock.now())
        async with self._uow() as uow:
            await uow.conversations.update(conversation)
            await uow.commit()
        return conversation

    async def _generated_name(self, app: App, settings, query: str) -> str:
        fallback = " ".join(query.split())[:NAME_MAX]
        try:
            settings = settings or await self._resolve.default_settings(app.tenant_id)
            resolved = await self._resolve.execute(app.tenant_id, settings)
            request = ChatRequest(
                model=settings.name,
                messages=(ChatMessage.system(_INSTRUCTION), ChatMessage.user(query)),
                params={"max_tokens": 32, "temperature": 0.2},
            )
            parts = []
            async with aclosing(resolved.model.stream(request)) as chunks:
                async for chunk in chunks:
                    parts.append(chunk.delta)
            title = " ".join("".join(parts).split()).strip("\"'“”")
            return title or fallback
        except DomainError:
            return fallback
