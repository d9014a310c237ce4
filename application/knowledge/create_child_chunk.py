from uuid import UUID

from application.knowledge.guards import Actor, load_dataset, load_segment
from application.knowledge.segment_content import check_content
from application.knowledge.segment_index import SegmentIndexer
from domain.knowledge.document import DocForm
from domain.knowledge.segment import ChildChunk
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


def check_hierarchical(doc_form: DocForm) -> None:
    if doc_form is not DocForm.HIERARCHICAL:
        raise InvalidParam("Child chunks exist only in hierarchical_model documents.", param="doc_form")


class CreateChildChunk:
    """Adds a customized child chunk at the end of a parent and indexes it.
    Rules: hierarchical documents only; content not blank; the document not archived (403)."""

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, indexer: SegmentIndexer, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow, self._indexer, self._clock, self._ids = uow, indexer, clock, ids

    async def execute(
        self, actor: Actor, dataset_id: UUID, document_id: UUID, segment_id: UUID, content: object
    ) -> ChildChunk:
        text = check_content(content)
        now = self._clock.now()
        async with self._uow() as uow:
            dataset = await load_dataset(uow, actor.tenant_id, dataset_id)
            document, segment = await load_segment(uow, actor.tenant_id, dataset_id, document_id, segment_id)
            check_hierarchical(document.doc_form)
            document.check_mutable()
            child = ChildChunk(
                id=self._ids.new_id(), tenant_id=segment.tenant_id, dataset_id=segment.dataset_id,
                document_id=segment.document_id, segment_id=segment.id,
                position=max((c.position for c in segment.child_chunks), default=0) + 1, content=text,
                word_count=len(text), created_at=now, updated_at=now, type="customized", created_by=actor.account_id,
            )
            segment.child_chunks = [child]
            await self._indexer.write(dataset, document.doc_form, [segment])
            await uow.segments.add_child(child)
            await uow.commit()
        return child
