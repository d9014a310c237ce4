from uuid import UUID

from application.conversations.owned import owned_conversation
from domain.apps.entities import App, EndUser
from domain.conversations.entities import Conversation
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWork


class DeleteConversation:
    """Hides the conversation from its end user at once (Dify's soft delete); its rows stay for retention."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, app: App, end_user: EndUser, conversation_id: UUID) -> None:
        async with self._uow as uow:
            conversation = await owned_conversation(uow, app, end_user, conversation_id)
            conversation.is_deleted = True
            conversation.updated_at = self._clock.now()
            await uow.conversations.update(conversation)
            await uow.commit()


class ListConversationVariables:
    """Conversation variables exist for advanced-chat apps (their workflow declares them); an easy-UI chat
    app has none. The conversation must be the end user's."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def execute(self, app: App, end_user: EndUser, conversation_id: UUID) -> Conversation:
        async with self._uow as uow:
            return await owned_conversation(uow, app, end_user, conversation_id)
