from uuid import UUID

from application.knowledge.guards import load_document
from domain.knowledge.document import FINAL, IndexingStatus
from domain.knowledge.errors import DocumentAlreadyFinished
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock


class PauseDocument:
    """Pauses a document's indexing. Rules: a completed or errored document cannot be paused (400
    document_already_finished); a running job stops at its next stage or batch and leaves its work done."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> None:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            if document.indexing_status in FINAL:
                raise DocumentAlreadyFinished()
            if document.indexing_status is not IndexingStatus.PAUSED:
                document.move_to(IndexingStatus.PAUSED, self._clock.now())
                await uow.documents.update(document)
                await uow.commit()
