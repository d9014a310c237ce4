from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.conversations.agent_thoughts import AgentThought
from domain.conversations.debugger import debugger_account
from domain.conversations.entities import Feedback, Message
from domain.conversations.ports import Page
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class ListLogMessages:
    """A logged conversation's messages as the console shows them, newest page first (`first_id` pages back),
    with every feedback on them and an agent's thoughts.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise); the conversation must be the app's
    (404 "Conversation Not Exists."); an unknown `first_id` is 404 "First Message Not Exists."."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, app_id: UUID, conversation_id: UUID, first_id: UUID | None, limit: int
    ) -> tuple[Page[Message], dict[UUID, list[Feedback]], dict[UUID, list[AgentThought]], UUID | None]:
        """The page, its feedbacks and thoughts, and the account whose debug chat the conversation is (or None)."""
        if not 1 <= limit <= 100:
            raise InvalidParam("limit must be between 1 and 100", param="limit")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            conversation = await uow.conversations.get(conversation_id)
            if conversation is None or conversation.app_id != app.id:
                raise NotFound("Conversation Not Exists.")
            page = await uow.messages.page(conversation_id, first_id=first_id, limit=limit)
            if page is None:
                raise NotFound("First Message Not Exists.")
            ids = [m.id for m in page.items]
            end_user = await uow.end_users.get(conversation.from_end_user_id) if conversation.from_end_user_id else None
            debugger = debugger_account(end_user.session_id) if end_user else None
            feedbacks, thoughts = await uow.conversation_logs.feedbacks(ids), await uow.agent_thoughts.for_messages(ids)
            return page, feedbacks, thoughts, debugger
