from uuid import UUID

from application.conversations.owned import owned_message
from domain.apps.entities import App, EndUser
from domain.conversations.entities import Feedback, Rating
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.telemetry.catalogue import FEEDBACK_TOTAL
from domain.telemetry.points import MetricPoint
from domain.telemetry.ports import MetricsSink


class GiveFeedback:
    """Likes or dislikes a message of the end user's; `rating` None revokes the existing feedback.

    Rules: the message must be the end user's ("Message Not Exists." otherwise); revoking when there is
    no feedback is 400 invalid_param; each rating given is counted in dify.feedback.total.
    """

    def __init__(self, uow: UnitOfWorkFactory, metrics: MetricsSink, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._metrics = metrics
        self._clock = clock
        self._ids = ids

    async def execute(
        self, app: App, end_user: EndUser, message_id: UUID, rating: str | None, content: str | None
    ) -> None:
        if rating is not None and rating not in (Rating.LIKE, Rating.DISLIKE):
            raise InvalidParam("rating must be like, dislike or null", param="rating")
        async with self._uow() as uow:
            message = await owned_message(uow, app, end_user, message_id)
            existing = await uow.feedbacks.for_message(message.id)
            if rating is None:
                if existing is None:
                    raise InvalidParam("rating cannot be None when feedback does not exist", param="rating")
                await uow.feedbacks.delete(existing.id)
            else:
                now = self._clock.now()
                await uow.feedbacks.save(
                    Feedback(
                        id=existing.id if existing else self._ids.new_id(), app_id=app.id,
                        conversation_id=message.conversation_id, message_id=message.id, rating=Rating(rating),
                        from_end_user_id=end_user.id, created_at=existing.created_at if existing else now,
                        updated_at=now, content=content,
                    )
                )
            await uow.commit()
        if rating is not None:
            labels = (("tenant_id", str(app.tenant_id)), ("app_id", str(app.id)), ("rating", rating))
            self._metrics.emit([MetricPoint(FEEDBACK_TOTAL, 1, labels)])


class ListAppFeedbacks:
    """The app's feedback, newest first, page-based (limit ≤ 101 as in Dify)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, page: int, limit: int) -> list[Feedback]:
        if page < 1 or not 1 <= limit <= 101:
            raise InvalidParam("page must be ≥ 1 and limit between 1 and 101", param="limit")
        async with self._uow() as uow:
            return await uow.feedbacks.page(app.id, page=page, limit=limit)
