from typing import Protocol
from uuid import UUID


class WorkflowRunQueue(Protocol):
    """Hands a prepared workflow run (response_mode `async`) to a worker, which resumes it by id.

    Contract: once `enqueue` returns, the run will be executed at least once by some process, even if this
    one dies; a run already ended when its job arrives is left alone (RunWorkflow.resume).
    That holds only for a `durable` queue (Redis); the in-process queue's jobs die with this process, so a
    run queued there is owned by this process (domain/maintenance/leases.py) and failed if it dies.
    Errors: StoreUnavailable when the queue cannot take the job (the run stays prepared, not running).
    """

    durable: bool

    async def enqueue(self, run_id: UUID, task_id: UUID, user: str) -> None: ...
