from datetime import timedelta

from application.knowledge.indexing_jobs import enqueue
from domain.knowledge.document import IN_PROGRESS, IndexingStatus
from domain.knowledge.services import IndexingQueue
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock

# A stage of a live job commits at least every batch of 32 chunks; a document unchanged for longer
# than this has lost its job (worker crash, broker restart, API restart with the in-process broker).
STALE_AFTER = timedelta(minutes=10)


class RecoverDocuments:
    """Re-enqueues documents stuck in a non-final state whose job is gone; returns how many.

    Rules: waiting or in-progress (not paused) documents untouched for `stale_after` are queued again;
    the job is idempotent, so a document whose job was merely slow is indexed once more, not twice over.
    At API start-up with the in-process broker every such document is lost, so `stale_after` is zero.
    """

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, queue: IndexingQueue, clock: Clock) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock

    async def execute(self, stale_after: timedelta = STALE_AFTER) -> int:
        async with self._uow() as uow:
            stuck = await uow.documents.unfinished(
                [IndexingStatus.WAITING, *IN_PROGRESS], self._clock.now() - stale_after
            )
        ids = [d.id for d in stuck if not d.is_paused]
        if ids and not await enqueue(self._queue, ids):
            return 0
        return len(ids)
