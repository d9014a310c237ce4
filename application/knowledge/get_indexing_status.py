from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import load_dataset
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
