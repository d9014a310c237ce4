from dataclasses import replace
from uuid import UUID

from application.workflows.run_history import runners_of
from domain.apps.entities import App
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.entities import RunStatus, WorkflowRun
from domain.workflows.ports import RunEventLog, RunLogEntry, RunLogFilter
from domain.workflows.run_events import RunEvent


class GetWorkflowRun:
    """A run of the calling app ("Workflow run not found." otherwise)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, run_id: UUID) -> WorkflowRun:
        async with self._uow() as uow:
            run = await uow.workflow_runs.get(run_id)
        if run is None or run.app_id != app.id:
            raise NotFound("Workflow run not found.")
        return run


class ListWorkflowLogs:
    """Page-based run summaries, newest first. Rules: page 1..99999, limit 1..100, status one of Dify's three."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, filters: RunLogFilter, page: int, limit: int) -> tuple[list[RunLogEntry], int]:
        if not 1 <= page <= 99999 or not 1 <= limit <= 100:
            raise InvalidParam("page must be 1..99999 and limit 1..100", param="limit")
        if filters.status and filters.status not in (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.STOPPED):
            raise InvalidParam("status must be succeeded, failed or stopped", param="status")
        async with self._uow() as uow:
            entries, total = await uow.workflow_runs.logs(app.id, filters, page=page, limit=limit)
            runners = await runners_of(uow, [entry.end_user for entry in entries])
        logged = [replace(e, account=r.account, end_user=r.end_user) for e, r in zip(entries, runners, strict=True)]
        return logged, total


class ReadRunEvents:
    """The stored events of a run of this app, after a position: for re-attaching from any process."""

    def __init__(self, uow: UnitOfWorkFactory, events: RunEventLog) -> None:
        self._uow = uow
        self._events = events

    async def execute(self, app: App, run_id: UUID, after: int, wait: float) -> list[tuple[int, RunEvent]]:
        if after == 0:
            await GetWorkflowRun(self._uow).execute(app, run_id)
        return await self._events.read(run_id, after, wait)
