import logging

from domain.maintenance.leases import INTERRUPTED_MESSAGE, INTERRUPTED_RUN
from domain.maintenance.ports import OrphanStore, ProcessLeaseStore, ProcessProbe
from domain.shared.clock import Clock

logger = logging.getLogger(__name__)


class ReapOrphanedWork:
    """Marks the messages and workflow runs a dead process left unfinished as failed, with the reason; returns
    how many.

    The rule (domain/maintenance/leases.py): a process records its instance id (`lease_owner`) on every
    message it generates and every run it executes in memory, and keeps its lease alive while it lives. A
    message still `generating`, or a run still `running`, whose owner holds no live lease is orphaned: it
    becomes `error` (a message, its streamed answer kept) or `failed` (a run, and its running nodes). A row
    whose owner is alive is never touched, however long it takes: another API process or a worker is still
    on it. A run without an owner waits on the durable (Redis) queue, which redelivers it when its worker
    dies; it is left to the queue and to ReapStaleRuns.

    A lease outlives a killed process by up to its TTL. At start (`at_start`), leases taken in this process's
    pid namespace whose pid no longer exists are ended first, so an API restarted after a kill -9 marks what
    the dead one left at once; elsewhere the lease's expiry decides. Runs at start and then periodically in
    every process that holds a lease (ProcessLease), and on the beat's reaper schedule: no Redis or beat
    needed.
    """

    def __init__(
        self, orphans: OrphanStore, leases: ProcessLeaseStore, probe: ProcessProbe, clock: Clock,
        batch_size: int = 500,
    ) -> None:
        self._orphans = orphans
        self._leases = leases
        self._probe = probe
        self._clock = clock
        self._batch_size = batch_size

    async def execute(self, at_start: bool = False) -> int:
        if at_start:
            await self._end_dead_neighbours()
        messages = await self._drain(lambda limit: self._orphans.fail_orphaned_messages(INTERRUPTED_MESSAGE, limit))
        now = self._clock.now()
        runs = await self._drain(lambda limit: self._orphans.fail_orphaned_runs(INTERRUPTED_RUN, now, limit))
        await self._orphans.forget_expired_leases()
        if messages or runs:
            logger.warning("reaper: %d messages and %d workflow runs left by a dead process marked failed",
                           messages, runs)
        return messages + runs

    async def _drain(self, batch) -> int:
        total = 0
        while (count := await batch(self._batch_size)) > 0:
            total += count
            if count < self._batch_size:
                break
        return total

    async def _end_dead_neighbours(self) -> None:
        namespace = self._probe.identity().namespace
        if namespace is None:
            return
        for owner, pid in await self._leases.leases_in(namespace):
            if not self._probe.alive(pid):
                logger.info("reaper: process %d (lease %s) is gone; its lease ends now", pid, owner)
                await self._leases.release(owner)
