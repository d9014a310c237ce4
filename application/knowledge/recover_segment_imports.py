from datetime import timedelta

from domain.knowledge.segment_import import SegmentImportQueue
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock

# A live import stores its count after every slice of rows; one unchanged for longer has lost its job.
STALE_AFTER = timedelta(minutes=10)


class RecoverSegmentImports:
    """Queues again the chunk CSV imports whose job was lost (a worker or the API process with the in-process
    broker stopped); returns how many. Rules: waiting or processing jobs unchanged for `stale_after` (zero at
    start-up with the in-process broker); a job picked up again goes on after the rows already added."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, queue: SegmentImportQueue, clock: Clock) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock

    async def execute(self, stale_after: timedelta = STALE_AFTER) -> int:
        async with self._uow() as uow:
            lost = await uow.segment_imports.unfinished(self._clock.now() - stale_after)
        for job_id in lost:
            await self._queue.enqueue(job_id)
        return len(lost)
