from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import check_page, load_dataset
from domain.knowledge.document import Document
from domain.knowledge.repositories import Page
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam

DISPLAY_STATUSES = ("queuing", "indexing", "paused", "error", "available", "disabled", "archived")


@dataclass(frozen=True, slots=True)
class ListDocumentsRequest:
    tenant_id: UUID
    dataset_id: UUID
    page: int = 1
    limit: int = 20
    keyword: str | None = None
    status: str | None = None


class ListDocuments:
    """A page of a dataset's documents by position. Rules: status is one of Dify's display statuses;
    keyword matches the name."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, request: ListDocumentsRequest) -> Page[Document]:
        check_page(request.page, request.limit)
        if request.status and request.status not in DISPLAY_STATUSES:
            raise InvalidParam(f"Invalid status: {request.status}.", param="status")
        async with self._uow() as uow:
            dataset = await load_dataset(uow, request.tenant_id, request.dataset_id)
            return await uow.documents.list(
                dataset.id, page=request.page, limit=request.limit, keyword=request.keyword or None,
                display_status=request.status or None,
            )
