from uuid import UUID

from application.knowledge.create_child_chunk import check_hierarchical
from application.knowledge.guards import Actor, load_dataset, load_segment
from application.knowledge.segment_content import check_content
from application.knowledge.segment_index import SegmentIndexer
from domain.knowledge.errors import ChildChunkNotFound
from domain.knowledge.segment import ChildChunk
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock


class UpdateChildChunk:
    """Edits a child chunk's content (it becomes `customized`) and re-indexes it."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, indexer: SegmentIndexer, clock: Clock) -> None:
        self._uow, self._indexer, self._clock = uow, indexer, clock

    async def execute(
        self, actor: Actor, dataset_id: UUID, document_id: UUID, segment_id: UUID, child_id: UUID, content: object
    ) -> ChildChunk:
        text = check_content(content)
        async with self._uow() as uow:
            dataset = await load_dataset(uow, actor.tenant_id, dataset_id)
            document, segment = await load_segment(uow, actor.tenant_id, dataset_id, document_id, segment_id)
            check_hierarchical(document.doc_form)
            document.check_mutable()
            child = next((c for c in segment.child_chunks if c.id == child_id), None)
            if child is None:
                raise ChildChunkNotFound()
            child.edit(text, self._clock.now())
            segment.child_chunks = [child]
            await self._indexer.write(dataset, document.doc_form, [segment])
            await uow.segments.update_child(child)
            await uow.commit()
        return child
