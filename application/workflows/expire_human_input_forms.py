import logging

from application.workflows.wake_paused_run import WakePausedRun
from domain.shared.clock import Clock
from domain.shared.errors import StoreUnavailable
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.human_input import FormStatus

log = logging.getLogger("weir.workflow")


class ExpireHumanInputForms:
    """Times out the forms nobody answered before their expiry (a periodic job); returns how many.

    Rules: each such form ends `timeout` and its run goes on along the node's `__timeout` edge (in any
    process: WakePausedRun); a form answered meanwhile is left to its answer; one transaction per form, so a
    batch cut short keeps what it did.
    """

    def __init__(self, uow: UnitOfWorkFactory, waker: WakePausedRun, clock: Clock, batch_size: int = 100) -> None:
        self._uow = uow
        self._waker = waker
        self._clock = clock
        self._batch_size = batch_size

    async def execute(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            forms = await uow.human_inputs.expired(now, self._batch_size)
        count = 0
        for form in forms:
            form.status, form.resolved_at = FormStatus.TIMEOUT, now
            async with self._uow() as uow:
                if not await uow.human_inputs.resolve(form):
                    continue
                woken = await self._waker.mark(uow, form.run_id)
                await uow.commit()
            count += 1
            if woken is not None:
                try:
                    await self._waker.send(*woken)
                except StoreUnavailable:
                    log.warning("could not queue run %s after its form timed out", form.run_id)
        if count:
            log.info("human input: %d forms timed out", count)
        return count
