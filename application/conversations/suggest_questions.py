import json
import re
from contextlib import aclosing
from uuid import UUID

from application.conversations.owned import owned_message
from application.models.resolve_model import ResolveModel
from domain.apps.entities import App, EndUser
from domain.apps.model_config import AppModelConfig, parse_model_config
from domain.conversations.errors import SuggestionsDisabled
from domain.models.entities import ChatMessage, ChatRequest
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory

_INSTRUCTION = (
    "Please help me predict the three most likely questions that the user would ask next, "
    "each under 20 words, in the language of the conversation. "
    'Answer only with a JSON array of three strings, like ["question1","question2","question3"].'
)
_ARRAY = re.compile(r"\[.*\]", re.DOTALL)


class SuggestQuestions:
    """Three follow-up questions for a message, written by the app's model (Dify's suggested questions).

    Rules: the feature must be enabled in the config the conversation runs with (else 400 bad_request): the
    debugger's unsaved config it was started with, if any (Dify's override_model_configs), else the app's saved
    one; the message must be the end user's; a model answer that is not a JSON list of strings yields an empty
    list, not an error.
    """

    def __init__(self, uow: UnitOfWorkFactory, resolve_model: ResolveModel) -> None:
        self._uow = uow
        self._resolve = resolve_model

    async def execute(self, app: App, end_user: EndUser, message_id: UUID) -> list[str]:
        async with self._uow() as uow:
            found = await uow.messages.get(message_id)
            config = await self._config(uow, app, found.conversation_id if found and found.app_id == app.id else None)
            if config is None or not config.feature_enabled("suggested_questions_after_answer"):
                raise SuggestionsDisabled()
            message = await owned_message(uow, app, end_user, message_id)
            history = await uow.messages.history(message.conversation_id, 3)
        transcript = "\n".join(f"Human: {m.query}\nAssistant: {m.answer}" for m in history)
        resolved = await self._resolve.execute(app.tenant_id, config.model)
        request = ChatRequest(
            model=config.model.name,
            messages=(ChatMessage.system(_INSTRUCTION), ChatMessage.user(transcript)),
            params={"max_tokens": 256, "temperature": 0.0},
        )
        parts = []
        async with aclosing(resolved.model.stream(request)) as chunks:
            async for chunk in chunks:
                parts.append(chunk.delta)
        return _questions("".join(parts))

    @staticmethod
    async def _config(uow: UnitOfWork, app: App, conversation_id: UUID | None) -> AppModelConfig | None:
        conversation = await uow.conversations.get(conversation_id) if conversation_id else None
        if conversation is not None and conversation.override_model_config:
            return parse_model_config(app.id, conversation.id, conversation.override_model_config)
        return await uow.model_configs.current(app.id)


def _questions(text: str) -> list[str]:
    found = _ARRAY.search(text)
    if not found:
        return []
    try:
        value = json.loads(found.group(0))
    except ValueError:
        return []
    return [q.strip() for q in value if isinstance(q, str) and q.strip()][:3] if isinstance(value, list) else []
