"""Sends document indexing jobs to the `dataset` queue through taskiq."""

from collections.abc import Sequence
from uuid import UUID

from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from adapters.queue.taskiq_broker import queue_key
from domain.shared.errors import StoreUnavailable

INDEX_DOCUMENT_TASK = "weir.dataset.index_document"
RECOVER_DOCUMENTS_TASK = "weir.dataset.recover_documents"


class TaskiqIndexingQueue:
    def __init__(self, broker: AsyncBroker) -> None:
        self._broker = broker

    async def index_documents(self, document_ids: Sequence[UUID]) -> None:
        kicker = AsyncKicker(task_name=INDEX_DOCUMENT_TASK, broker=self._broker,
                             labels={"queue_name": queue_key("dataset")})
        try:
            for document_id in document_ids:
                await kicker.kiq(str(document_id))
        except Exception as error:  # the broker's client errors vary (Redis, in-memory)
            raise StoreUnavailable("The indexing queue is unavailable.") from error
