from uuid import UUID

from domain.apps.entities import App, EndUser
from domain.apps.errors import EndUserNotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class GetEndUser:
    """An end user of the calling app; end users of other apps are not found."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, end_user_id: UUID) -> EndUser:
        async with self._uow() as uow:
            end_user = await uow.end_users.get(end_user_id)
        if end_user is None or end_user.app_id != app.id:
            raise EndUserNotFound()
        return end_user
