import logging
from uuid import UUID

from domain.files.ports import FileStorage
from domain.maintenance.app_purge import PURGE_ORDER, AppRecords
from domain.maintenance.ports import AppPurgeStore
from domain.shared.clock import Clock

logger = logging.getLogger(__name__)


class PurgeDeletedApp:
    """Removes everything of an app marked deleted, in batches, then the app row; returns the counts.

    Rules: does nothing unless the app is marked deleted (a redelivered or duplicate job is harmless);
    children go before parents, each batch a short transaction; progress is recorded after every
    batch so the reaper only re-enqueues a deletion whose job was lost; after a crash the next run
    simply continues with what is left.
    """

    def __init__(self, store: AppPurgeStore, storage: FileStorage, clock: Clock, batch_size: int = 1000) -> None:
        self._store = store
        self._storage = storage
        self._clock = clock
        self._batch_size = batch_size

    async def execute(self, app_id: UUID) -> dict[AppRecords, int]:
        if not await self._store.is_deleting(app_id):
            return {}
        deleted = {records: await self._purge(app_id, records) for records in PURGE_ORDER}
        await self._store.remove_app(app_id)
        counts = " ".join(f"{records}={count}" for records, count in deleted.items() if count)
        logger.info("app deletion %s: done, deleted %s", app_id, counts or "no data")
        return deleted

    async def _purge(self, app_id: UUID, records: AppRecords) -> int:
        total = 0
        while True:
            if records is AppRecords.UPLOAD_FILES:
                keys = await self._store.remove_uploads(app_id, self._batch_size)
                for key in keys:
                    await self._storage.delete(key)
                count = len(keys)
            else:
                count = await self._store.delete_batch(app_id, records, self._batch_size)
            total += count
            if count:
                await self._store.touch(app_id, self._clock.now())
            if count < self._batch_size:
                return total
