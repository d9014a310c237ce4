from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.conversations.owned import owned_conversation
from application.workflows.run_chatflow import conversation_variables
from domain.apps.entities import App, AppMode, EndUser
from domain.conversations.entities import Conversation
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory


class DeleteConversation:
    """Hides the conversation from its end user at once (Dify's soft delete); its rows stay for retention."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, app: App, end_user: EndUser, conversation_id: UUID) -> None:
        async with self._uow() as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            conversation.is_deleted = True
            conversation.updated_at = self._clock.now()
            await uow.conversations.update(conversation)
            await uow.commit()


@dataclass(frozen=True, slots=True)
class ConversationVariable:
    id: str
    name: str
    value_type: str
    value: Any
    description: str


class ListConversationVariables:
    """Conversation variables exist for advanced-chat apps (their workflow declares them, each turn may
    change them); an easy-UI chat app has none. The conversation must be the end user's."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, app: App, end_user: EndUser, conversation_id: UUID
    ) -> tuple[Conversation, list[ConversationVariable]]:
        async with self._uow() as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            workflow = await uow.workflows.published(app.id) if app.mode == AppMode.ADVANCED_CHAT else None
            if workflow is None:
                return conversation, []
            values = await conversation_variables(uow, workflow, conversation)
        declared = [
            ConversationVariable(
                id=str(v.get("id") or v["name"]), name=v["name"], value_type=str(v.get("value_type") or "string"),
                value=values.get(v["name"]), description=str(v.get("description") or ""),
            )
            for v in workflow.conversation_variables if v.get("name")
        ]
        return conversation, declared
