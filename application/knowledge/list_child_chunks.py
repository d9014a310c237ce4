from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import check_page, load_segment
from domain.knowledge.repositories import Page
from domain.knowledge.segment import ChildChunk
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ListChildChunksRequest:
    tenant_id: UUID
    dataset_id: UUID
    document_id: UUID
    segment_id: UUID
    page: int = 1
    limit: int = 20
    keyword: str | None = None


class ListChildChunks:
    """A page of a parent chunk's children by position."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, request: ListChildChunksRequest) -> Page[ChildChunk]:
        check_page(request.page, request.limit)
        async with self._uow() as uow:
            _, segment = await load_segment(
                uow, request.tenant_id, request.dataset_id, request.document_id, request.segment_id
            )
            return await uow.segments.list_children(
                segment.id, page=request.page, limit=request.limit, keyword=request.keyword or None
            )
