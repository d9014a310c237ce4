import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.conversations.generations import Generations
from application.files.resolve_files import ResolveFiles
from application.workflows.run_handle import WorkflowRunHandle
from domain.apps.entities import App, AppMode, EndUser
from domain.apps.errors import NotWorkflowApp
from domain.apps.input_form import validate_inputs
from domain.conversations.ports import StopSignals
from domain.files.entities import FileReader
from domain.files.upload_config import app_upload_config
from domain.maintenance.leases import SHUT_DOWN_RUN, WorkLease
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.telemetry.ports import TraceDispatcher
from domain.telemetry.records import EventTimes
from domain.workflows import run_events as ev
from domain.workflows.engine import GraphEngine, Limits, RunFinished
from domain.workflows.entities import (
    DraftWorkflowNotExist,
    NodeExecution,
    NodeStatus,
    RunStatus,
    Workflow,
    WorkflowRun,
)
from domain.workflows.graph import parse_graph
from domain.workflows.nodes import NodeExecutors, RunContext
from domain.workflows.ports import RunEventLog
from domain.workflows.variables import VariablePool

log = logging.getLogger("weir.workflow")

Publish = Callable[[ev.RunEvent], Awaitable[None]]
SYSTEM_FILES = "sys.files"  # the key of a run's files among its stored inputs (Dify's)


class WorkflowNotPublished(InvalidParam):
    def __init__(self) -> None:
        super().__init__("Workflow not published. Publish the app's draft in the console first.")


@dataclass(frozen=True, slots=True)
class RunWorkflowRequest:
    app: App
    end_user: EndUser
    inputs: dict[str, Any]
    workflow_id: UUID | None = None
    triggered_from: str = "app-run"
    files: tuple[Any, ...] = ()  # Dify's file mappings: the run's `sys.files`
    draft: bool = False  # the console's test run: the app's draft instead of a published version


@dataclass(frozen=True, slots=True)
class RunSetup:
    """What a run starts from besides its workflow: who runs it (the end user's session), its variable
    pool, and, for a chatflow, the earlier turns (query, answer) llm nodes with memory remember."""

    user: str
    pool: VariablePool
    history: tuple[tuple[str, str], ...] = ()
    # How many workflow tools deep this run is (a workflow called as a tool by another run's tool node).
    call_depth: int = 0


def system_variables(run: WorkflowRun, workflow: Workflow, user: str) -> dict[str, Any]:
    """The `sys.*` values every run has (a chatflow adds its query and conversation)."""
    return {
        "query": "",
        "files": [],
        "user_id": user,
        "app_id": str(run.app_id),
        "workflow_id": str(workflow.id),
        "workflow_run_id": str(run.id),
        "timestamp": int(run.created_at.timestamp()),
    }


def environment_variables(workflow: Workflow) -> dict[str, Any]:
    return {v.get("name"): v.get("value") for v in workflow.environment_variables if v.get("name")}


class RunWorkflow:
    """Runs a workflow app's published workflow (or a given published version) for an end user.

    Rules: the app must be a workflow app; a draft cannot be run through the Service API; inputs are
    checked against the Start node's variables before anything is stored; the run row exists before the
    first node runs; every node start and finish is stored at once (short transactions: no connection is
    held while a node waits); every finished run and node goes to the telemetry pipeline; a stop from any
    process ends the run as `stopped`. The events: WorkflowStarted, node events, WorkflowFinished.

    Crash truthfulness: a run executed in this process records this process's lease as its owner, so if the
    process dies the reaper (ReapOrphanedWork) ends it `failed` with the reason; a run prepared for a durable
    queue has no owner (the queue redelivers it). From the stored row to the spawned execution nothing is
    cancelled by the client going away; a run cancelled while executing (the server shutting down) ends
    `failed` with the reason, its running nodes too.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        executors: NodeExecutors,
        stops: StopSignals,
        traces: TraceDispatcher,
        events: RunEventLog,
        generations: Generations,
        clock: Clock,
        ids: IdGenerator,
        limits: Limits,
        lease: WorkLease,
        files: ResolveFiles | None = None,
    ) -> None:
        self._uow = uow
        self._lease = lease
        self._files = files
        self._executors = executors
        self._stops = stops
        self._traces = traces
        self._events = events
        self._generations = generations
        self._clock = clock
        self._ids = ids
        self._limits = limits

    async def prepare(
        self, request: RunWorkflowRequest, owned: bool = True
    ) -> tuple[WorkflowRunHandle, Workflow]:
        """Checks and stores the run. `owned`: executed by this process (its lease recorded on the run);
        False for a run handed to a durable queue, which keeps it alive if this process dies."""
        if request.app.mode != AppMode.WORKFLOW:
            raise NotWorkflowApp()
        async with self._uow() as uow:
            workflow = await self._workflow(uow, request)
        parse_graph(workflow.graph)
        inputs = await self.checked_inputs(workflow, request.app, request.end_user, request.inputs)
        if request.files:
            inputs |= await self._system_files(workflow, request)
        run = WorkflowRun(
            id=self._ids.new_id(),
            tenant_id=workflow.tenant_id,
            app_id=workflow.app_id,
            workflow_id=workflow.id,
            type="workflow",
            triggered_from=request.triggered_from,
            version=workflow.version,
            inputs=inputs,
            created_by_role="end_user",
            created_by=request.end_user.id,
            created_at=self._clock.now(),
            lease_owner=await self._lease.hold() if owned else None,
        )
        handle = WorkflowRunHandle(self._ids.new_id(), run, self._events)
        await self._stops.register(handle.task_id, request.end_user.session_id)
        try:
            async with self._uow() as uow:
                await uow.workflow_runs.add(run)
                await uow.workflow_runs.add_app_log(run, "service-api")
                await uow.commit()
        except BaseException:
            await self._stops.forget(handle.task_id)
            raise
        return handle, workflow

    async def checked_inputs(
        self, workflow: Workflow, app: App, end_user: EndUser, given: dict[str, Any]
    ) -> dict[str, Any]:
        """The Start node's inputs, checked, with file variables resolved into files (Dify's shape)."""
        inputs = validate_inputs(workflow.input_form(), given)
        if self._files is None:
            return inputs
        reader = FileReader(app.tenant_id, app.created_by, "end_user", end_user.id)
        return await self._files.inputs(workflow.input_form(), inputs, reader)

    async def _system_files(self, workflow: Workflow, request: RunWorkflowRequest) -> dict[str, Any]:
        """`sys.files`, kept with the run's inputs as Dify keeps them (so a queued run has them too): the
        request's files checked against the workflow's `file_upload` feature, ignored when it is off."""
        config = app_upload_config(workflow.features.get("file_upload"))
        if config is None or self._files is None:
            return {}
        reader = FileReader(request.app.tenant_id, request.app.created_by, "end_user", request.end_user.id)
        return {SYSTEM_FILES: await self._files.many(list(request.files), config, reader, "files")}

    async def execute(self, request: RunWorkflowRequest) -> WorkflowRunHandle:
        """Prepares the run and executes it in the background of this process (one detached step: a client
        that goes away meanwhile does not leave a stored run that nobody executes)."""
        return await self._generations.detached(self._start(request))

    async def _start(self, request: RunWorkflowRequest) -> WorkflowRunHandle:
        handle, workflow = await self.prepare(request)
        self._generations.spawn(self._run(handle, workflow, request.end_user.session_id))
        return handle

    async def abandon(self, handle: WorkflowRunHandle, reason: str) -> None:
        """Ends a prepared run that will never execute (its queue refused it) as failed, with the reason."""
        handle.run.finish(RunStatus.FAILED, {}, reason, 0, 0, 0, self._clock.now())
        async with self._uow() as uow:
            await uow.workflow_runs.update(handle.run)
            await uow.commit()
        await self._stops.forget(handle.task_id)

    async def resume(self, run_id: UUID, task_id: UUID, user: str) -> None:
        """Executes a run prepared by another process (async mode, on the `workflow` queue). A run that
        already ended (a redelivered job) is left alone."""
        async with self._uow() as uow:
            run = await uow.workflow_runs.get(run_id)
            workflow = await uow.workflows.get(run.workflow_id) if run else None
        if run is None or workflow is None or run.ended:
            return
        if run.lease_owner is not None:  # executed in memory (the in-process queue): this process owns it
            run.lease_owner = await self._lease.hold()
        # A worker died mid-run (its job came back): the run starts over, and the node rows of the lost
        # attempt go, so the stored run holds each node once. Node side effects may happen again
        # (at-least-once execution), as with any redelivered task.
        async with self._uow() as uow:
            await uow.workflow_runs.delete_nodes(run.id)
            if run.lease_owner is not None:
                await uow.workflow_runs.update(run)
            await uow.commit()
        await self._run(WorkflowRunHandle(task_id, run, self._events), workflow, user)

    async def _run(self, handle: WorkflowRunHandle, workflow: Workflow, user: str) -> None:
        system = system_variables(handle.run, workflow, user) | {"files": handle.run.inputs.get(SYSTEM_FILES) or []}
        pool = VariablePool(system=system, environment=environment_variables(workflow))
        await self.drive(handle, workflow, RunSetup(user, pool), handle.publish)

    async def run_inline(self, request: RunWorkflowRequest, call_depth: int) -> WorkflowRun:
        """Prepares and runs to its end in the caller's task (a workflow called as a tool): the finished run."""
        handle, workflow = await self.prepare(request)
        user = request.end_user.session_id
        pool = VariablePool(
            system=system_variables(handle.run, workflow, user), environment=environment_variables(workflow)
        )
        await self.drive(handle, workflow, RunSetup(user, pool, call_depth=call_depth), handle.publish)
        return handle.run

    async def _workflow(self, uow: UnitOfWork, request: RunWorkflowRequest) -> Workflow:
        if request.draft:
            draft = await uow.workflows.draft(request.app.id)
            if draft is None:
                raise DraftWorkflowNotExist()
            return draft
        if request.workflow_id is None:
            workflow = await uow.workflows.published(request.app.id)
            if workflow is None:
                raise WorkflowNotPublished()
            return workflow
        workflow = await uow.workflows.get(request.workflow_id)
        if workflow is None or workflow.app_id != request.app.id:
            raise NotFound("Workflow not found.")
        if workflow.is_draft:
            raise InvalidParam("Cannot run a draft workflow version.", param="workflow_id")
        return workflow

    async def drive(
        self, handle: WorkflowRunHandle, workflow: Workflow, setup: RunSetup, publish: Publish
    ) -> RunFinished:
        """Runs a prepared run (its row stored, its stop registered) to its end: stores each node and the
        finished run, hands every event to `publish` in order, and returns how the graph ended."""
        run = handle.run
        context = RunContext(
            run.tenant_id, run.app_id, workflow.id, run.id, setup.user, call_depth=setup.call_depth,
            history=setup.history,
        )
        engine = GraphEngine(
            parse_graph(workflow.graph),
            self._executors,
            context,
            setup.pool,
            self._clock,
            self._ids,
            self._limits,
            should_stop=lambda: self._stops.is_stopped(handle.task_id),
        )
        await publish(ev.WorkflowStarted.of(run))
        nodes: dict[UUID, NodeExecution] = {}
        try:
            async for event in engine.run(run.inputs):
                if isinstance(event, RunFinished):
                    await self._finish(run, event)
                    await publish(ev.WorkflowFinished.of(run))
                    await self._traces.workflow_finished(
                        run.id, EventTimes(run.created_at, run.finished_at, run.status.value)
                    )
                    return event
                await self._store(run, event, nodes)
                await publish(event)
        except asyncio.CancelledError:
            try:
                await self._interrupted(run, nodes)
            except Exception:
                log.warning("could not mark the interrupted run %s failed", run.id, exc_info=True)
            raise
        finally:
            await self._stops.forget(handle.task_id)
        raise AssertionError("the engine's stream always ends with RunFinished")

    async def _interrupted(self, run: WorkflowRun, nodes: dict[UUID, NodeExecution]) -> None:
        """A run cancelled mid-execution (the server shutting down) ends failed, never `running`."""
        now = self._clock.now()
        run.finish(RunStatus.FAILED, {}, SHUT_DOWN_RUN, run.total_tokens, run.total_steps, run.exceptions_count, now)
        async with self._uow() as uow:
            for execution in nodes.values():
                execution.finish(NodeStatus.FAILED, {}, {}, {}, {}, SHUT_DOWN_RUN, now)
                await uow.workflow_runs.update_node(execution)
            await uow.workflow_runs.update(run)
            await uow.commit()

    async def _store(self, run: WorkflowRun, event: ev.NodeEvent, nodes: dict[UUID, NodeExecution]) -> None:
        if isinstance(event, ev.NodeStarted):
            execution = NodeExecution(
                id=event.execution_id,
                tenant_id=run.tenant_id,
                app_id=run.app_id,
                workflow_id=run.workflow_id,
                workflow_run_id=run.id,
                index=event.index,
                node_id=event.node.id,
                node_type=event.node.type,
                title=event.node.title,
                created_at=event.started_at,
                created_by_role=run.created_by_role,
                created_by=run.created_by,
                predecessor_node_id=event.predecessor_id,
            )
            nodes[event.execution_id] = execution
            async with self._uow() as uow:
                await uow.workflow_runs.add_node(execution)
                await uow.commit()
        elif isinstance(event, ev.NodeFinished):
            execution = nodes.pop(event.execution_id)
            execution.finish(
                event.status, event.inputs, event.process_data, event.outputs, _stored_metadata(event), event.error,
                event.finished_at,
            )
            async with self._uow() as uow:
                await uow.workflow_runs.update_node(execution)
                await uow.commit()
            await self._traces.node_finished(
                execution.id, EventTimes(event.started_at, event.finished_at, event.status.value)
            )

    async def _finish(self, run: WorkflowRun, event: RunFinished) -> None:
        run.finish(
            event.status,
            event.outputs,
            event.error,
            event.total_tokens,
            event.total_steps,
            event.exceptions_count,
            self._clock.now(),
        )
        async with self._uow() as uow:
            await uow.workflow_runs.update(run)
            await uow.commit()


def _stored_metadata(event: ev.NodeFinished) -> dict[str, Any]:
    """A node row's execution metadata: the node's own, its usage, and where it ran inside a container."""
    metadata = dict(event.metadata)
    if event.usage is not None:
        u = event.usage
        metadata |= {
            "total_tokens": u.total_tokens,
            "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens,
            "total_price": u.total_price,
            "currency": u.currency,
        }
    if event.scope is not None:
        metadata[f"{event.scope.container_type}_id"] = event.scope.container_id
        metadata[f"{event.scope.container_type}_index"] = event.scope.index
    return metadata
