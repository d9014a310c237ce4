from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from domain.knowledge.repositories import (
    DatasetRepository,
    DocumentRepository,
    MetadataRepository,
    QueryRepository,
    SegmentRepository,
    TagRepository,
)
from domain.knowledge.segment_import import SegmentImportRepository


class KnowledgeUnitOfWork(Protocol):
    """One atomic piece of work over the knowledge tables.

    Contract: used as `async with uow:`; changes are kept only if `await uow.commit()` ran inside the
    block, everything else is rolled back when it exits. Repositories are valid only inside the block.
    Errors: StoreUnavailable when the database cannot be reached.
    """

    datasets: DatasetRepository
    documents: DocumentRepository
    segments: SegmentRepository
    tags: TagRepository
    metadata: MetadataRepository
    queries: QueryRepository
    segment_imports: SegmentImportRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...


# What the knowledge use cases take: a new unit of work per call (see domain.shared.unit_of_work).
KnowledgeUnitOfWorkFactory = Callable[[], KnowledgeUnitOfWork]
