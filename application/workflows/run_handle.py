"""A started run's events as they happen: queued for this process's live stream and appended to the
replayable log, which any process can read."""

import asyncio
import logging
from uuid import UUID

from domain.workflows.entities import WorkflowRun
from domain.workflows.ports import RunEventLog
from domain.workflows.run_events import RunEvent

log = logging.getLogger("weir.workflow")


class WorkflowRunHandle:
    """A started run: its ids, and its typed events in order (a workflow's last is WorkflowFinished, a
    chatflow's MessageEnd)."""

    def __init__(self, task_id: UUID, run: WorkflowRun, log: RunEventLog) -> None:
        self.task_id = task_id
        self.run = run
        self._log = log
        self._queue: asyncio.Queue[RunEvent] = asyncio.Queue()

    async def publish(self, event: RunEvent) -> None:
        self._queue.put_nowait(event)
        try:
            await self._log.append(self.run.id, event)
        except Exception:  # the live stream still has it; only a later re-attach would miss it
            log.exception("could not append to the event log of run %s", self.run.id)

    async def next_event(self, timeout: float | None = None) -> RunEvent | None:
        """The next event, or None when `timeout` seconds pass without one (time for a keep-alive ping)."""
        if not self._queue.empty():
            return self._queue.get_nowait()
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
