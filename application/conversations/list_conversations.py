from uuid import UUID

from domain.apps.entities import App, EndUser
from domain.conversations.entities import Conversation
from domain.conversations.ports import Page
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory

SORTS = ("created_at", "-created_at", "updated_at", "-updated_at")


class ListConversations:
    """The end user's conversations in the app. Rules: 1 ≤ limit ≤ 100; sort_by one of Dify's four; an
    unknown `last_id` is 404 "Last Conversation Not Exists."."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, app: App, end_user: EndUser, last_id: UUID | None, limit: int, sort_by: str,
        pinned: bool | None = None,
    ) -> Page[Conversation]:
        if not 1 <= limit <= 100:
            raise InvalidParam("limit must be between 1 and 100", param="limit")
        if sort_by not in SORTS:
            raise InvalidParam(f"sort_by must be one of {', '.join(SORTS)}", param="sort_by")
        async with self._uow() as uow:
            page = await uow.conversations.list_for(
                app.id, end_user.id, last_id=last_id, limit=limit, sort_by=sort_by, pinned=pinned
            )
        if page is None:
            raise NotFound("Last Conversation Not Exists.")
        return page
