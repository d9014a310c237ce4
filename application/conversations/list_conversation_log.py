from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.conversations.logs import LogFilter, LogPage
from domain.shared.unit_of_work import UnitOfWorkFactory


class ListConversationLog:
    """One page of an app's conversation log, everyone's conversations (debug chats too, as Dify's logs page).
    Rules: the app must be in the caller's workspace (AppNotFound otherwise)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID, log: LogFilter) -> LogPage:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            return await uow.conversation_logs.page(app.id, log)
