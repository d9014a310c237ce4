"""Sends app-deletion purges to the `app_deletion` queue through taskiq."""

from uuid import UUID

from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from adapters.queue.taskiq_broker import queue_key
from domain.shared.errors import StoreUnavailable

PURGE_APP_TASK = "weir.app_deletion.purge_app"


class TaskiqAppPurgeQueue:
    def __init__(self, broker: AsyncBroker) -> None:
        self._broker = broker

    async def purge_app(self, app_id: UUID) -> None:
        kicker = AsyncKicker(task_name=PURGE_APP_TASK, broker=self._broker,
                             labels={"queue_name": queue_key("app_deletion")})
        try:
            await kicker.kiq(str(app_id))
        except Exception as error:  # the broker's client errors vary (Redis, in-memory)
            raise StoreUnavailable("The app deletion queue is unavailable.") from error
