import logging
import time
from dataclasses import dataclass

from domain.maintenance.policies import ExpiringRecords, RetentionPolicy
from domain.maintenance.ports import ExpiredRecordStore
from domain.shared.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PurgeReport:
    deleted: dict[ExpiringRecords, int]
    batches: int
    seconds: float


class PurgeExpiredRecords:
    """Deletes records older than their retention, in bounded batches; returns what it deleted.

    Rules: a kind with 0 days is kept forever; every batch is its own short transaction of at most
    `batch_size` rows, the oldest first, skipping rows others hold; a kind is done when a batch comes
    back short; `max_batches` bounds one run (the next run carries on). One log line per run.
    """

    def __init__(
        self, store: ExpiredRecordStore, clock: Clock, policy: RetentionPolicy, batch_size: int = 1000,
        max_batches: int = 10_000, job: str = "retention",
    ) -> None:
        self._store = store
        self._clock = clock
        self._policy = policy
        self._batch_size = batch_size
        self._max_batches = max_batches
        self._job = job

    async def execute(self) -> PurgeReport:
        started = time.monotonic()
        deleted: dict[ExpiringRecords, int] = {}
        batches = 0
        for kind, before in self._policy.cutoffs(self._clock.now()).items():
            deleted[kind] = 0
            while batches < self._max_batches:
                count = await self._store.delete_expired(kind, before, self._batch_size)
                batches += 1
                deleted[kind] += count
                if count < self._batch_size:
                    break
        report = PurgeReport(deleted, batches, time.monotonic() - started)
        counts = " ".join(f"{kind}={count}" for kind, count in deleted.items()) or "nothing expires"
        logger.info("%s: deleted %s in %d batches of <=%d, %.2f s",
                    self._job, counts, batches, self._batch_size, report.seconds)
        return report
