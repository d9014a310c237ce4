from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.conversations.entities import Feedback, Rating
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory

ADMIN = "admin"


class GiveAdminFeedback:
    """The console's like or dislike on a logged message (Dify's admin feedback, kept beside the end user's);
    `rating` None revokes it.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise); the message must be the app's
    ("Message Not Exists." otherwise); revoking when there is none is 400 invalid_param."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def execute(self, tenant_id: UUID, app_id: UUID, message_id: UUID, rating: str | None, content: str | None):
        if rating is not None and rating not in (Rating.LIKE, Rating.DISLIKE):
            raise InvalidParam("rating must be like, dislike or null", param="rating")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            message = await uow.messages.get(message_id)
            if message is None or message.app_id != app.id:
                raise NotFound("Message Not Exists.")
            mine = [
                f
                for f in (await uow.conversation_logs.feedbacks([message.id])).get(message.id, [])
                if f.from_source == ADMIN
            ]
            existing = mine[0] if mine else None
            if rating is None:
                if existing is None:
                    raise InvalidParam("rating cannot be None when feedback does not exist", param="rating")
                await uow.feedbacks.delete(existing.id)
            else:
                now = self._clock.now()
                await uow.feedbacks.save(
                    Feedback(
                        id=existing.id if existing else self._ids.new_id(),
                        app_id=app.id,
                        conversation_id=message.conversation_id,
                        message_id=message.id,
                        rating=Rating(rating),
                        from_end_user_id=None,  # type: ignore[arg-type]  # the console's, of no end user
                        created_at=existing.created_at if existing else now,
                        updated_at=now,
                        content=content,
                        from_source=ADMIN,
                    )
                )
            await uow.commit()
