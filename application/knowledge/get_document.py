from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import load_document
from domain.knowledge.document import Document
from domain.knowledge.errors import DocumentNotFound
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


class DocumentProcessRule:
    """The process rule a document was cut with (the console's document settings show it, and chunk again with
    it). Rules: the document must be in a dataset of the caller's workspace (DocumentNotFound otherwise); a
    document without a stored rule has none (None: the caller shows the default)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, document_id: UUID) -> ProcessRule | None:
        async with self._uow() as uow:
            found = await uow.documents.get_by_id(document_id)
            if found is None:
                raise DocumentNotFound()
            document = await load_document(uow, tenant_id, found.dataset_id, document_id)
            if document.dataset_process_rule_id is None:
                return None
            return await uow.documents.process_rule(document.dataset_process_rule_id)
