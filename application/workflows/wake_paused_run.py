from uuid import UUID

from domain.maintenance.leases import WorkLease
from domain.shared.clock import Clock
from domain.shared.errors import StoreUnavailable
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.workflows.entities import RunStatus, WorkflowRun
from domain.workflows.run_queue import WorkflowRunQueue


class WakePausedRun:
    """Hands a paused run whose form was answered (or timed out) back to the `workflow` queue, which
    resumes it in whichever process takes the job (ResumeWorkflowRun).

    Rules: `mark` (inside the caller's transaction, with the answer) turns only a `paused` run back to
    `running`, once (a conditional update: two answers racing never queue it twice); a run already going on
    sees the answer when it pauses again (PauseRun); a run on the
    in-process queue is owned by this process (its lease), one on a durable queue by nobody (the queue
    redelivers it), as for any queued run. `send` queues it; a run the queue refuses fails with the reason.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, queue: WorkflowRunQueue, lease: WorkLease, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._queue = queue
        self._lease = lease
        self._clock = clock
        self._ids = ids

    async def mark(self, uow: UnitOfWork, run_id: UUID) -> tuple[WorkflowRun, str] | None:
        paused = await uow.human_inputs.pause(run_id)
        owner = None if self._queue.durable else await self._lease.hold()
        if paused is None or not await uow.human_inputs.wake(run_id, owner):
            return None
        run = await uow.workflow_runs.get(run_id)
        return (run, paused.user) if run is not None else None

    async def send(self, run: WorkflowRun, user: str) -> None:
        try:
            await self._queue.enqueue(run.id, self._ids.new_id(), user)
        except StoreUnavailable as error:
            run.finish(
                RunStatus.FAILED,
                {},
                str(error),
                run.total_tokens,
                run.total_steps,
                run.exceptions_count,
                self._clock.now(),
            )
            async with self._uow() as uow:
                await uow.workflow_runs.update(run)
                await uow.commit()
            raise
