import asyncio
import contextlib
import logging
from uuid import UUID

from application.maintenance.reap_orphaned_work import ReapOrphanedWork
from domain.maintenance.leases import LeaseTerms
from domain.maintenance.ports import ProcessLeaseStore, ProcessProbe
from domain.shared.ids import IdGenerator

logger = logging.getLogger(__name__)


class ProcessLease:
    """This process's lease on the messages and runs it works on (domain/maintenance/leases.py), and the
    keeper that renews it and looks for other processes' orphans.

    Rules: the lease is taken on the first `hold()` (or `start()`), before any row records its owner, and is
    renewed every `terms.renew_every` seconds, one small UPDATE whatever this process is doing; at each renewal
    ReapOrphanedWork runs too (`start()` runs it at once, with `at_start`); a renewal
    or a reap that fails is logged and tried again at the next tick (a lease lapses only if the store stays
    unreachable for its whole TTL); `release()` (at a clean stop, once generations are drained) stops the
    keeper and ends the lease, so anything still unfinished is orphaned at once.
    """

    def __init__(
        self, store: ProcessLeaseStore, probe: ProcessProbe, reap: ReapOrphanedWork, terms: LeaseTerms,
        ids: IdGenerator,
    ) -> None:
        self._store = store
        self._probe = probe
        self._reap = reap
        self._terms = terms
        self.owner = ids.new_id()
        self._held = False
        self._lock = asyncio.Lock()
        self._keeper: asyncio.Task[None] | None = None

    async def hold(self) -> UUID:
        if not self._held:
            async with self._lock:
                if not self._held:
                    await self._store.renew(self.owner, self._probe.identity(), self._terms.seconds)
                    self._held = True
                    self._keeper = asyncio.create_task(self._keep())
        return self.owner

    async def start(self) -> None:
        """Takes the lease and marks what dead processes left unfinished, before this process serves."""
        await self.hold()
        await self._reap_safely(at_start=True)

    async def release(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
            self._keeper = None
        if self._held:
            self._held = False
            try:
                await self._store.release(self.owner)
            except Exception:  # it expires on its own
                logger.warning("could not end lease %s; it expires in %s s", self.owner, self._terms.seconds)

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self._terms.renew_every)
            try:
                await self._store.renew(self.owner, self._probe.identity(), self._terms.seconds)
            except Exception:
                logger.warning("could not renew lease %s; trying again", self.owner, exc_info=True)
            await self._reap_safely(at_start=False)

    async def _reap_safely(self, at_start: bool) -> None:
        try:
            await self._reap.execute(at_start=at_start)
        except Exception:
            logger.warning("could not look for orphaned messages and runs; trying again later", exc_info=True)
