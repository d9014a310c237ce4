from uuid import UUID

from application.knowledge.guards import load_segment
from domain.knowledge.document import DocForm
from domain.knowledge.segment import Segment
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class GetSegment:
    """One chunk of a document, with its child chunks and the document's doc_form."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, dataset_id: UUID, document_id: UUID, segment_id: UUID
    ) -> tuple[Segment, DocForm]:
        async with self._uow() as uow:
            document, segment = await load_segment(uow, tenant_id, dataset_id, document_id, segment_id)
        return segment, document.doc_form
