from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import load_document
from domain.knowledge.document import Document
from domain.knowledge.process_rule import ProcessRule
from domain.knowledge.repositories import UploadedFile
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class DocumentDetail:
    document: Document
    process_rule: ProcessRule | None
    upload: UploadedFile | None
    segment_count: int
    completed_segments: int


class GetDocument:
    """A document with its process rule, its file and its segment figures."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> DocumentDetail:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            rule = await uow.documents.process_rule(document.dataset_process_rule_id) \
                if document.dataset_process_rule_id else None
            upload = await uow.documents.upload(UUID(document.upload_file_id)) if document.upload_file_id else None
            completed, total = (await uow.segments.progress([document.id])).get(document.id, (0, 0))
        return DocumentDetail(document, rule, upload, total, completed)
