import logging
from datetime import timedelta

from domain.maintenance.policies import STALE_RUN_GRACE, stale_run_reason
from domain.maintenance.ports import StaleRunStore
from domain.shared.clock import Clock

logger = logging.getLogger(__name__)


class ReapStaleRuns:
    """Marks workflow runs left `running` past WORKFLOW_MAX_EXECUTION_TIME as failed; returns how many.

    Rules: only runs older than the limit plus a grace (the engine enforces the limit itself, so a run
    past it has lost its worker); they end `failed` with a reason saying so and `finished_at` now.
    """

    def __init__(self, store: StaleRunStore, clock: Clock, max_seconds: int, batch_size: int = 500) -> None:
        self._store = store
        self._clock = clock
        self._max_seconds = max_seconds
        self._batch_size = batch_size

    async def execute(self) -> int:
        now = self._clock.now()
        before = now - timedelta(seconds=self._max_seconds) - STALE_RUN_GRACE
        reason = stale_run_reason(self._max_seconds)
        total = 0
        while (count := await self._store.fail_running(before, reason, now, self._batch_size)) > 0:
            total += count
            if count < self._batch_size:
                break
        if total:
            logger.warning("reaper: marked %d workflow runs failed (running since before %s)", total, before)
        return total
