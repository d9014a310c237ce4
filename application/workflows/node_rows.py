import asyncio
import logging
from collections.abc import Awaitable, Callable
from uuid import UUID

from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.workflows.entities import NodeExecution

log = logging.getLogger("weir.workflow")

FLUSH_EVERY_SECONDS = 1.0
FLUSH_EVERY_ROWS = 100

Also = Callable[[UnitOfWork], Awaitable[None]]


class NodeRows:
    """The node rows of one run, buffered and written in batches instead of one transaction per node start
    and another per finish.

    Rules: a change (a node started, a node finished) is stored at most FLUSH_EVERY_SECONDS after it
    happened (a checkpoint), or as soon as FLUSH_EVERY_ROWS changes wait; every row is written as an upsert
    of the node's state at that moment, so a node is one row however many times it was flushed; `flush(also)`
    writes what waits now, in one transaction with `also(uow)`: the run's end passes the finished run, and a
    pause must pass the paused run's state the same way; flushes never overlap; rows of a flush that failed
    wait for the next (newer changes win). After a crash, the rows written so far are what the reaper finds
    and fails with the run.
    """

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow
        self._waiting: dict[UUID, NodeExecution] = {}
        self._lock = asyncio.Lock()
        self._timer: asyncio.Task[None] | None = None

    def changed(self, execution: NodeExecution) -> None:
        self._waiting[execution.id] = execution
        if len(self._waiting) >= FLUSH_EVERY_ROWS:
            self._schedule(0.0)
        elif self._timer is None:
            self._schedule(FLUSH_EVERY_SECONDS)

    async def flush(self, also: Also | None = None) -> None:
        async with self._lock:
            self._cancel_timer()
            batch = list(self._waiting.values())
            self._waiting.clear()
            try:
                async with self._uow() as uow:
                    if batch:
                        await uow.workflow_runs.save_nodes(batch)
                    if also is not None:
                        await also(uow)
                    await uow.commit()
            except BaseException:
                for execution in batch:
                    self._waiting.setdefault(execution.id, execution)
                raise

    def close(self) -> None:
        """No more checkpoints (the run ended; its last rows were flushed with it)."""
        self._cancel_timer()

    def _schedule(self, delay: float) -> None:
        self._cancel_timer()
        self._timer = asyncio.get_running_loop().create_task(self._checkpoint(delay))

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    async def _checkpoint(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._timer = None  # from here on this checkpoint is a flush like any other, not cancelled by one
        try:
            await self.flush()
        except Exception:
            log.warning("could not store the node rows of a run; trying again", exc_info=True)
            if self._timer is None:
                self._schedule(FLUSH_EVERY_SECONDS)
