from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from application.knowledge.guards import check_page, load_document
from domain.knowledge.document import DocForm
from domain.knowledge.repositories import Page
from domain.knowledge.segment import Segment, SegmentStatus
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam


@dataclass(frozen=True, slots=True)
class ListSegmentsRequest:
    tenant_id: UUID
    dataset_id: UUID
    document_id: UUID
    page: int = 1
    limit: int = 20
    keyword: str | None = None
    statuses: Sequence[str] = field(default_factory=tuple)
    enabled: bool | None = None  # None: enabled and disabled chunks alike
    min_hits: int | None = None


class ListSegments:
    """A page of a document's chunks by position, with its doc_form. Rules: statuses are segment statuses;
    min_hits, when given, is not negative."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, request: ListSegmentsRequest) -> tuple[Page[Segment], DocForm]:
        check_page(request.page, request.limit)
        for status in request.statuses:
            if status not in tuple(SegmentStatus):
                raise InvalidParam(f"Invalid status: {status}.", param="status")
        if request.min_hits is not None and request.min_hits < 0:
            raise InvalidParam("hit_count_gte must not be negative.", param="hit_count_gte")
        async with self._uow() as uow:
            document = await load_document(uow, request.tenant_id, request.dataset_id, request.document_id)
            page = await uow.segments.list(
                document.id,
                page=request.page,
                limit=request.limit,
                keyword=request.keyword or None,
                statuses=list(request.statuses),
                enabled=request.enabled,
                min_hits=request.min_hits,
            )
        return page, document.doc_form
