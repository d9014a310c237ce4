"""Sends chunk CSV imports to the `dataset` queue through taskiq."""

from uuid import UUID

from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from adapters.queue.taskiq_broker import queue_key
from domain.shared.errors import StoreUnavailable

RUN_SEGMENT_IMPORT_TASK = "weir.dataset.run_segment_import"


class TaskiqSegmentImportQueue:
    def __init__(self, broker: AsyncBroker) -> None:
        self._broker = broker

    async def enqueue(self, job_id: UUID) -> None:
        kicker = AsyncKicker(
            task_name=RUN_SEGMENT_IMPORT_TASK, broker=self._broker, labels={"queue_name": queue_key("dataset")}
        )
        try:
            await kicker.kiq(str(job_id))
        except Exception as error:  # the broker's client errors vary (Redis, in-memory)
            raise StoreUnavailable("The segment import queue is unavailable.") from error
