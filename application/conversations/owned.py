from uuid import UUID

from domain.apps.entities import App, EndUser
from domain.conversations.entities import Conversation, Message
from domain.conversations.errors import ConversationNotFound, MessageNotFound
from domain.shared.unit_of_work import UnitOfWork


async def owned_conversation(uow: UnitOfWork, app: App, end_user: EndUser, conversation_id: UUID) -> Conversation:
    """The conversation, if it is this end user's in this app; anything else is "Conversation Not Exists."."""
    conversation = await uow.conversations.get(conversation_id)
    if conversation is None or conversation.app_id != app.id or conversation.from_end_user_id != end_user.id:
        raise ConversationNotFound()
    return conversation


async def owned_message(uow: UnitOfWork, app: App, end_user: EndUser, message_id: UUID) -> Message:
    message = await uow.messages.get(message_id)
    if message is None or message.app_id != app.id or message.from_end_user_id != end_user.id:
        raise MessageNotFound()
    return message
