"""The workflow editor's run history: the runs of an app page by page, their counts, one run with who ran
it, and its node executions."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.apps.entities import App
from domain.conversations.debugger import debugger_account
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.tenancy.entities import Account
from domain.workflows.entities import NodeExecution, RunStatus, WorkflowRun
from domain.workflows.ports import RunHistoryEntry, RunHistoryFilter

TRIGGERS = ("debugging", "app-run", "webhook", "schedule", "plugin")  # how a run was started (Dify's)
STATUSES = tuple(s.value for s in RunStatus if s is not RunStatus.PAUSED)
_TIME_RANGE = re.compile(r"^(\d+)([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


@dataclass(frozen=True, slots=True)
class Runner:
    """Who started a run: the console account (the editor's debugger runs as that account's own end user,
    whose session names the account) or an end user of the published app."""

    account: Account | None
    end_user: dict[str, Any] | None

    @property
    def role(self) -> str:
        return "account" if self.account else "end_user"


@dataclass(frozen=True, slots=True)
class HistoryRun:
    entry: RunHistoryEntry
    runner: Runner


async def runners_of(uow: UnitOfWork, end_users: list[dict[str, Any] | None]) -> list[Runner]:
    """Who each run is logged as: the account behind a console end user (debugger, Explore), else the end user."""
    accounts: dict[UUID, Account | None] = {}
    runners = []
    for end_user in end_users:
        account_id = debugger_account((end_user or {}).get("session_id"))
        if account_id is None:
            runners.append(Runner(None, end_user))
            continue
        if account_id not in accounts:
            accounts[account_id] = await uow.accounts.get(account_id)
        account = accounts[account_id]
        runners.append(Runner(account, None if account else end_user))
    return runners


def _end_user_dict(end_user) -> dict[str, Any] | None:
    if end_user is None:
        return None
    return {
        "id": str(end_user.id),
        "type": str(end_user.type),
        "is_anonymous": end_user.is_anonymous,
        "session_id": end_user.session_id,
    }


async def _runner_of(uow: UnitOfWork, created_by_role: str, created_by: UUID) -> Runner:
    if created_by_role == "account":
        return Runner(await uow.accounts.get(created_by), None)
    return (await runners_of(uow, [_end_user_dict(await uow.end_users.get(created_by))]))[0]


async def _run_of(uow: UnitOfWork, app: App, run_id: UUID) -> WorkflowRun:
    run = await uow.workflow_runs.get(run_id)
    if run is None or run.app_id != app.id:
        raise NotFound("Workflow run not found")
    return run


class ListRunHistory:
    """The runs of one kind (the editor's test runs by default, as Dify), newest first, `limit` at a time
    after the last one shown. Rules: limit 1..100; status and trigger among Dify's values."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, filters: RunHistoryFilter, limit: int) -> tuple[list[HistoryRun], bool]:
        if not 1 <= limit <= 100:
            raise InvalidParam("limit must be 1..100", param="limit")
        _check(filters.triggered_from, filters.status)
        async with self._uow() as uow:
            entries, more = await uow.workflow_runs.history(app.id, filters, limit)
            runners = await runners_of(uow, [e.end_user for e in entries])
        return [HistoryRun(e, r) for e, r in zip(entries, runners, strict=True)], more


class CountRuns:
    """How many runs of one kind have each status, optionally only those of the last `time_range`
    (Dify's `7d`, `4h`, `30m`, `30s`)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, app: App, triggered_from: str, status: str | None, time_range: str | None) -> dict:
        _check(triggered_from, status)
        after: datetime | None = None
        if time_range:
            match = _TIME_RANGE.match(time_range)
            if match is None:
                raise InvalidParam("time_range must be like 7d, 4h, 30m or 30s", param="time_range")
            after = self._clock.now() - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
        async with self._uow() as uow:
            counts = await uow.workflow_runs.count_by_status(app.id, triggered_from, after)
        if status:
            counts = {status: counts.get(status, 0)}
        return {"total": sum(counts.values()), **{s: counts.get(s, 0) for s in STATUSES}}


class GetRunWithRunner:
    """A run of the app ("Workflow run not found" otherwise) and who started it."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, run_id: UUID) -> tuple[WorkflowRun, Runner]:
        async with self._uow() as uow:
            run = await _run_of(uow, app, run_id)
            return run, await _runner_of(uow, run.created_by_role, run.created_by)


class ListRunNodes:
    """The node executions of a run of the app, in the order they started, and who started the run."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, run_id: UUID) -> tuple[list[NodeExecution], Runner]:
        async with self._uow() as uow:
            run = await _run_of(uow, app, run_id)
            return await uow.workflow_runs.nodes(run.id), await _runner_of(uow, run.created_by_role, run.created_by)


async def node_runner(uow: UnitOfWork, execution: NodeExecution) -> Runner:
    return await _runner_of(uow, execution.created_by_role, execution.created_by)


def _check(triggered_from: str, status: str | None) -> None:
    if triggered_from not in TRIGGERS:
        raise InvalidParam(f"triggered_from must be one of {', '.join(TRIGGERS)}", param="triggered_from")
    if status and status not in STATUSES:
        raise InvalidParam(f"status must be one of {', '.join(STATUSES)}", param="status")
