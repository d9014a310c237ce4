from collections.abc import Sequence
from uuid import UUID

from application.knowledge.document_input import new_batch
from application.knowledge.guards import load_dataset
from application.knowledge.indexing_jobs import enqueue
from domain.knowledge.document import IndexingStatus
from domain.knowledge.errors import DocumentNotFound
from domain.knowledge.services import IndexingQueue
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


class RetryDocuments:
    """Queues errored documents again under one new batch, which is returned.
    Rules: every id is a document of the dataset (404) in error (400 invalid_param otherwise)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, queue: IndexingQueue, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._queue, self._clock, self._ids = uow, queue, clock, ids

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_ids: Sequence[UUID]) -> str:
        now = self._clock.now()
        batch = new_batch(now, self._ids)
        async with self._uow() as uow:
            await load_dataset(uow, tenant_id, dataset_id)
            documents = await uow.documents.many(dataset_id, list(dict.fromkeys(document_ids)))
            if not documents or len(documents) != len(set(document_ids)):
                raise DocumentNotFound()
            for document in documents:
                if document.indexing_status is not IndexingStatus.ERROR:
                    raise InvalidParam(f"Document {document.id} is not in error.", param="document_ids")
                document.requeue(batch, now)
                await uow.documents.update(document)
            await uow.commit()
        await enqueue(self._queue, [d.id for d in documents])
        return batch
