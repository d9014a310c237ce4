import logging
from datetime import timedelta

from domain.files.ports import FileStorage
from domain.maintenance.ports import OrphanUploadStore
from domain.shared.clock import Clock

logger = logging.getLogger(__name__)


class CleanOrphanUploads:
    """Removes uploaded files never used by anything, with their bytes; returns how many.

    Rules: only files unused and older than `max_age_hours` (0 turns the job off); the row goes first,
    then the bytes, so no row ever points at missing bytes (a crash in between leaves bytes no row
    names, which costs disk, not correctness).
    """

    def __init__(
        self, store: OrphanUploadStore, storage: FileStorage, clock: Clock, max_age_hours: int,
        batch_size: int = 500,
    ) -> None:
        self._store = store
        self._storage = storage
        self._clock = clock
        self._max_age_hours = max_age_hours
        self._batch_size = batch_size

    async def execute(self) -> int:
        if self._max_age_hours <= 0:
            return 0
        before = self._clock.now() - timedelta(hours=self._max_age_hours)
        total = 0
        while keys := await self._store.remove_unused(before, self._batch_size):
            for key in keys:
                await self._storage.delete(key)
            total += len(keys)
            if len(keys) < self._batch_size:
                break
        logger.info("orphan uploads: deleted %d files created before %s", total, before)
        return total
