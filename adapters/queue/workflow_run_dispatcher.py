"""Sends prepared workflow runs (response_mode `async`) to the `workflow` queue through taskiq."""

from uuid import UUID

from taskiq import AsyncBroker, InMemoryBroker
from taskiq.kicker import AsyncKicker

from adapters.queue.taskiq_broker import queue_key
from domain.shared.errors import StoreUnavailable

RUN_WORKFLOW_TASK = "weir.workflow.run"


class TaskiqWorkflowRunQueue:
    def __init__(self, broker: AsyncBroker) -> None:
        self._broker = broker
        self.durable = not isinstance(broker, InMemoryBroker)  # in-process jobs die with this process

    async def enqueue(self, run_id: UUID, task_id: UUID, user: str) -> None:
        kicker = AsyncKicker(task_name=RUN_WORKFLOW_TASK, broker=self._broker,
                             labels={"queue_name": queue_key("workflow")})
        try:
            await kicker.kiq(str(run_id), str(task_id), user)
        except Exception as error:  # the broker's client errors vary (Redis, in-memory)
            raise StoreUnavailable("The workflow queue is unavailable.") from error
