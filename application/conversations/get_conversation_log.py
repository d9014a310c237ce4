from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.conversations.logs import ConversationSummary
from domain.shared.errors import NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class GetConversationLog:
    """One conversation of an app's log. Rules: the app must be in the caller's workspace (AppNotFound
    otherwise); a conversation of another app, or deleted, is 404 "Conversation Not Exists."."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID, conversation_id: UUID) -> ConversationSummary:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            found = await uow.conversation_logs.summary(app.id, conversation_id)
        if found is None:
            raise NotFound("Conversation Not Exists.")
        return found
