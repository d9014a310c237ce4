"""What a web app's visitor keeps: saved messages (completion apps' "Saved" tab) and pinned conversations."""

from uuid import UUID

from application.conversations.owned import owned_conversation, owned_message
from domain.apps.entities import App, EndUser
from domain.conversations.entities import Message
from domain.conversations.errors import MessageNotFound
from domain.conversations.ports import Page
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory


class SavedMessages:
    """Rules: only the visitor's own messages of this app can be saved (else "Message Not Exists."); saving twice
    keeps one; a list continues after `last_id`, a saved message of theirs (else "Message Not Exists.")."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def save(self, app: App, end_user: EndUser, message_id: UUID) -> None:
        async with self._uow() as uow:
            await owned_message(uow, app, end_user, message_id)
            await uow.web_app_marks.save_message(app.id, end_user.id, message_id)
            await uow.commit()

    async def remove(self, app: App, end_user: EndUser, message_id: UUID) -> None:
        async with self._uow() as uow:
            await uow.web_app_marks.unsave_message(app.id, end_user.id, message_id)
            await uow.commit()

    async def list(self, app: App, end_user: EndUser, last_id: UUID | None, limit: int) -> Page[Message]:
        if not 1 <= limit <= 100:
            raise InvalidParam("limit must be between 1 and 100", param="limit")
        async with self._uow() as uow:
            found = await uow.web_app_marks.saved_message_ids(app.id, end_user.id, limit=limit, before=last_id)
            if found is None:
                raise MessageNotFound()
            ids, more = found
            messages = await uow.messages.many(ids)
        return Page(items=messages, has_more=more)


class PinnedConversations:
    """Rules: only the visitor's own conversations can be pinned (else "Conversation Not Exists."); pinning twice
    keeps one pin; unpinning what is not pinned changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def pin(self, app: App, end_user: EndUser, conversation_id: UUID) -> None:
        async with self._uow() as uow:
            await owned_conversation(uow, app, end_user, conversation_id)
            await uow.web_app_marks.pin(app.id, end_user.id, conversation_id)
            await uow.commit()

    async def unpin(self, app: App, end_user: EndUser, conversation_id: UUID) -> None:
        async with self._uow() as uow:
            await owned_conversation(uow, app, end_user, conversation_id)
            await uow.web_app_marks.unpin(app.id, end_user.id, conversation_id)
            await uow.commit()
