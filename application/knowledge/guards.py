"""Loading what a request names, with Dify's refusals (shared by the knowledge use cases)."""

from dataclasses import dataclass
from uuid import UUID

from domain.knowledge.dataset import Dataset
from domain.knowledge.document import Document
from domain.knowledge.errors import DatasetNotFound, DocumentNotFound, SegmentNotFound
from domain.knowledge.segment import Segment
from domain.knowledge.unit_of_work import KnowledgeUnitOfWork
from domain.shared.errors import InvalidParam

MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the workspace of the dataset key and the account Dify logs in as (the owner)."""

    tenant_id: UUID
    account_id: UUID | None = None


def check_page(page: int, limit: int) -> None:
    if page < 1:
        raise InvalidParam("page must be at least 1.", param="page")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParam(f"limit must be between 1 and {MAX_LIMIT}.", param="limit")


async def load_dataset(uow: KnowledgeUnitOfWork, tenant_id: UUID, dataset_id: UUID, *, lock: bool = False) -> Dataset:
    repo = uow.datasets
    dataset = await (repo.get_for_update if lock else repo.get)(tenant_id, dataset_id)
    if dataset is None:
        raise DatasetNotFound()
    return dataset


async def load_document(uow: KnowledgeUnitOfWork, tenant_id: UUID, dataset_id: UUID, document_id: UUID) -> Document:
    await load_dataset(uow, tenant_id, dataset_id)
    document = await uow.documents.get(dataset_id, document_id)
    if document is None:
        raise DocumentNotFound()
    return document


async def load_segment(
    uow: KnowledgeUnitOfWork, tenant_id: UUID, dataset_id: UUID, document_id: UUID, segment_id: UUID
) -> tuple[Document, Segment]:
    document = await load_document(uow, tenant_id, dataset_id, document_id)
    segment = await uow.segments.get(document_id, segment_id)
    if segment is None:
        raise SegmentNotFound()
    return document, segment
