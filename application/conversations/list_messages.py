from uuid import UUID

from application.conversations.owned import owned_conversation
from domain.apps.entities import App, EndUser
from domain.conversations.agent_thoughts import AgentThought
from domain.conversations.entities import Feedback, Message
from domain.conversations.ports import Page
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class ListMessages:
    """A conversation's messages, newest page first (`first_id` pages back), with the user's feedback and an
    agent's thoughts.
    Rules: the conversation must be the end user's; an unknown `first_id` is 404 "First Message Not Exists."."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, app: App, end_user: EndUser, conversation_id: UUID, first_id: UUID | None, limit: int
    ) -> tuple[Page[Message], dict[UUID, Feedback], dict[UUID, list[AgentThought]]]:
        if not 1 <= limit <= 100:
            raise InvalidParam("limit must be between 1 and 100", param="limit")
        async with self._uow() as uow:
            await owned_conversation(uow, app, end_user, conversation_id)
            page = await uow.messages.page(conversation_id, first_id=first_id, limit=limit)
            if page is None:
                raise NotFound("First Message Not Exists.")
            feedbacks = {}
            for message in page.items:
                feedback = await uow.feedbacks.for_message(message.id)
                if feedback is not None:
                    feedbacks[message.id] = feedback
            thoughts = await uow.agent_thoughts.for_messages([m.id for m in page.items])
        return page, feedbacks, thoughts
