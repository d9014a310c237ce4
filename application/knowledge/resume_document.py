from uuid import UUID

from application.knowledge.guards import load_document
from application.knowledge.indexing_jobs import enqueue
from domain.knowledge.document import IndexingStatus
from domain.knowledge.errors import DocumentAlreadyFinished
from domain.knowledge.services import IndexingQueue
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock


class ResumeDocument:
    """Resumes a paused document: back to waiting and queued again (the job starts over, idempotently).
    Rules: only a paused document can be resumed (400 document_already_finished otherwise)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, queue: IndexingQueue, clock: Clock) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> None:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            if document.indexing_status is not IndexingStatus.PAUSED:
                raise DocumentAlreadyFinished("Only a paused document can be resumed.")
            document.move_to(IndexingStatus.WAITING, self._clock.now())
            await uow.documents.update(document)
            await uow.commit()
        await enqueue(self._queue, [document.id])
