from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import load_dataset, load_document
from domain.knowledge.document import Document
from domain.knowledge.errors import DocumentNotFound
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class IndexingProgress:
    document: Document
    completed_segments: int
    total_segments: int


class GetIndexingStatus:
    """Where each document of a batch stands: its stage, stage timestamps and segments done / total.
    Rules: a batch with no document of this dataset is 404."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, batch: str) -> list[IndexingProgress]:
        async with self._uow() as uow:
            await load_dataset(uow, tenant_id, dataset_id)
            documents = await uow.documents.in_batch(dataset_id, batch)
            if not documents:
                raise DocumentNotFound("Documents not found.")
            progress = await uow.segments.progress([d.id for d in documents])
        return [IndexingProgress(d, *progress.get(d.id, (0, 0))) for d in documents]


class GetDocumentIndexingStatus:
    """Where one document stands (the console's document page polls it while the document is indexed).
    Rules: the document is the dataset's, the dataset the workspace's (404 otherwise)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> IndexingProgress:
        async with self._uow() as uow:
            document = await load_document(uow, tenant_id, dataset_id, document_id)
            progress = await uow.segments.progress([document.id])
        return IndexingProgress(document, *progress.get(document.id, (0, 0)))


ERROR_STATUSES = ("error", "paused")  # what the console's "retry" banner offers to run again, as Dify lists them
PAGE = 100


class ListErrorDocuments:
    """The dataset's documents that stopped short of completion (in error, or paused), by position, with their
    progress. Rules: the dataset is the workspace's (404)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> list[IndexingProgress]:
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id)
            documents: list[Document] = []
            for status in ERROR_STATUSES:
                page = 1
                while True:
                    found = await uow.documents.list(
                        dataset.id, page=page, limit=PAGE, keyword=None, display_status=status
                    )
                    documents += found.items
                    if page * PAGE >= found.total:
                        break
                    page += 1
            documents.sort(key=lambda d: d.position)
            progress = await uow.segments.progress([d.id for d in documents])
        return [IndexingProgress(d, *progress.get(d.id, (0, 0))) for d in documents]
