import logging
from datetime import timedelta

from domain.maintenance.ports import AppPurgeQueue, AppPurgeStore
from domain.shared.clock import Clock

logger = logging.getLogger(__name__)

# A live deletion records progress after every batch (well under a minute apart).
STALLED_AFTER = timedelta(minutes=10)


class ResumeAppDeletions:
    """Re-enqueues app deletions whose job was lost (no progress for a while); returns how many."""

    def __init__(self, store: AppPurgeStore, queue: AppPurgeQueue, clock: Clock,
                 stalled_after: timedelta = STALLED_AFTER) -> None:
        self._store = store
        self._queue = queue
        self._clock = clock
        self._stalled_after = stalled_after

    async def execute(self) -> int:
        stalled = await self._store.stalled(self._clock.now() - self._stalled_after, limit=100)
        for app_id in stalled:
            await self._queue.purge_app(app_id)
            await self._store.touch(app_id, self._clock.now())  # not re-enqueued again at the next tick
        if stalled:
            logger.warning("app deletion: re-enqueued %d stalled deletions", len(stalled))
        return len(stalled)
