"""What the annotations context needs from the world: its stores and the queue of its jobs."""

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Protocol, Self
from uuid import UUID

from domain.annotations.entities import Annotation, AnnotationHit, AnnotationJob, AnnotationSetting
from domain.conversations.ports import ConversationRepository, MessageRepository
from domain.tenancy.ports import AccountRepository


class AnnotationRepository(Protocol):
    """An app's annotations. `page` matches `keyword` in the question or the answer (case-insensitive),
    newest first, and gives the total of the matching ones."""

    async def add(self, annotation: Annotation) -> None: ...

    async def get(self, app_id: UUID, annotation_id: UUID) -> Annotation | None: ...

    async def update(self, annotation: Annotation) -> None: ...

    async def delete(self, app_id: UUID, annotation_ids: Sequence[UUID]) -> None:
        """Removes the annotations and their hit histories."""

    async def page(self, app_id: UUID, page: int, limit: int, keyword: str = "") -> tuple[list[Annotation], int]: ...

    async def all(self, app_id: UUID) -> list[Annotation]: ...

    async def count_hit(self, annotation_id: UUID) -> None:
        """Adds one to the annotation's hit_count, in the database (concurrent hits all count)."""


class AnnotationSettingRepository(Protocol):
    async def get(self, app_id: UUID) -> AnnotationSetting | None: ...

    async def save(self, setting: AnnotationSetting) -> None:
        """Inserts or replaces the app's one setting."""

    async def delete(self, app_id: UUID) -> None: ...


class AnnotationHitRepository(Protocol):
    async def add(self, hit: AnnotationHit) -> None: ...

    async def page(self, app_id: UUID, annotation_id: UUID, page: int, limit: int) -> tuple[list[AnnotationHit], int]:
        """Newest first, with the total."""


class AnnotationJobRepository(Protocol):
    async def add(self, job: AnnotationJob) -> None: ...

    async def get(self, job_id: UUID) -> AnnotationJob | None: ...

    async def update(self, job: AnnotationJob) -> None: ...

    async def unfinished(self, app_id: UUID) -> AnnotationJob | None:
        """The app's job still waiting or processing, if any (at most one reply job runs per app)."""


class AnnotationUnitOfWork(Protocol):
    """One transaction over the annotation tables and the messages an annotation reply stores.

    Contract: as domain.shared.unit_of_work.UnitOfWork (kept only if `commit()` ran inside the block)."""

    annotations: AnnotationRepository
    settings: AnnotationSettingRepository
    hits: AnnotationHitRepository
    jobs: AnnotationJobRepository
    conversations: ConversationRepository
    messages: MessageRepository
    accounts: AccountRepository  # who wrote an annotation (its reply names them)

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...


# What use cases take: each call opens a new unit of work (domain.shared.unit_of_work's rule).
AnnotationUnitOfWorkFactory = Callable[[], AnnotationUnitOfWork]


class AnnotationJobQueue(Protocol):
    """Hands an annotation job to a worker, which runs it by id (RunAnnotationJob).

    Errors: StoreUnavailable when the queue cannot take the job."""

    async def enqueue(self, job_id: UUID) -> None: ...
