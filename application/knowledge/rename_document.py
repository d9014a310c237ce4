from uuid import UUID

from application.knowledge.document_input import check_name
from application.knowledge.guards import load_document
from domain.knowledge.document import Document
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock


class RenameDocument:
    """Renames a document without touching its content or chunks (no re-indexing, unlike update-by-text).
    Rules: the name is 1-255 characters; the document is the dataset's, the dataset the workspace's (404)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID, name: object) -> Document:
        checked = check_name(name)
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            document.name, document.updated_at = checked, self._clock.now()
            await uow.documents.update(document)
            await uow.commit()
        return document
