from uuid import UUID

from application.knowledge.guards import load_dataset, load_segment
from application.knowledge.segment_index import SegmentIndexer
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class DeleteSegment:
    """Deletes a chunk (with its children) and its vectors. Rules: the document is not archived (403)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, indexer: SegmentIndexer) -> None:
        self._uow = uow
        self._indexer = indexer

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID, segment_id: UUID) -> None:
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id)
            document, segment = await load_segment(uow, tenant_id, dataset_id, document_id, segment_id)
            document.check_mutable()
            await uow.segments.delete(segment.id)
            document.word_count = max(0, document.word_count - segment.word_count)
            document.tokens = max(0, document.tokens - segment.tokens)
            await uow.documents.update(document)
            await uow.commit()
        await self._indexer.remove(dataset, document.doc_form, [segment])
