from dataclasses import dataclass
from typing import Generic, TypeVar
from uuid import UUID

from domain.annotations.entities import Annotation, AnnotationHit
from domain.annotations.errors import AnnotationNotFound
from domain.annotations.ports import AnnotationUnitOfWorkFactory

LIMIT_CAP = 100  # Dify caps a page at 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.page * self.limit < self.total


class ListAnnotations:
    """An app's annotations, newest first, filtered by keyword (question or answer); `limit` capped at 100."""

    def __init__(self, uow: AnnotationUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app_id: UUID, page: int, limit: int, keyword: str = "") -> Page[Annotation]:
        limit = min(limit, LIMIT_CAP)
        async with self._uow() as uow:
            items, total = await uow.annotations.page(app_id, page, limit, keyword.strip())
        return Page(items, total, page, limit)

    async def all(self, app_id: UUID) -> list[Annotation]:
        """Every annotation, for the console's export."""
        async with self._uow() as uow:
            return await uow.annotations.all(app_id)


class ListHitHistories:
    """The replies one annotation gave, newest first. Rules: the annotation must be the app's."""

    def __init__(self, uow: AnnotationUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app_id: UUID, annotation_id: UUID, page: int, limit: int) -> Page[AnnotationHit]:
        limit = min(limit, LIMIT_CAP)
        async with self._uow() as uow:
            if await uow.annotations.get(app_id, annotation_id) is None:
                raise AnnotationNotFound()
            items, total = await uow.hits.page(app_id, annotation_id, page, limit)
        return Page(items, total, page, limit)
