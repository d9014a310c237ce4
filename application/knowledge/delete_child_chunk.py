from uuid import UUID

from application.knowledge.create_child_chunk import check_hierarchical
from application.knowledge.guards import load_dataset, load_segment
from application.knowledge.segment_index import SegmentIndexer
from domain.knowledge.errors import ChildChunkNotFound
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class DeleteChildChunk:
    """Deletes a child chunk and its vector."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, indexer: SegmentIndexer) -> None:
        self._uow = uow
        self._indexer = indexer

    async def execute(
        self, tenant_id: UUID, dataset_id: UUID, document_id: UUID, segment_id: UUID, child_id: UUID
    ) -> None:
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id)
            document, segment = await load_segment(uow, tenant_id, dataset_id, document_id, segment_id)
            check_hierarchical(document.doc_form)
            document.check_mutable()
            child = next((c for c in segment.child_chunks if c.id == child_id), None)
            if child is None:
                raise ChildChunkNotFound()
            await uow.segments.delete_child(child.id)
            await uow.commit()
        await self._indexer.remove_ids(dataset, [child.index_node_id])
