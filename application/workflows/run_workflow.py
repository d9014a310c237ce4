import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.conversations.generations import Generations
from application.files.resolve_files import ResolveFiles
from application.telemetry.record_workflow_trace import (
    RecordWorkflowTrace,
    finished_run_record,
    node_record,
    node_trace_key,
    run_trace_key,
)
from application.workflows.node_rows import NodeRows
from application.workflows.parsed_graphs import ParsedGraphs
from application.workflows.pause_run import PauseRun
from application.workflows.run_handle import WorkflowRunHandle
from domain.apps.entities import App, AppMode, EndUser
from domain.apps.errors import NotWorkflowApp
from domain.apps.input_form import validate_inputs
from domain.apps.ports import CallerCache, NoCallerCache
from domain.conversations.debugger import console_user_id
from domain.conversations.ports import StopSignals
from domain.files.entities import FileReader
from domain.files.upload_config import app_upload_config
from domain.maintenance.leases import SHUT_DOWN_RUN, WorkLease
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.telemetry.ports import TraceDispatcher
from domain.telemetry.records import NODE_ENDED, EventTimes
from domain.workflows import run_events as ev
from domain.workflows.engine import GraphEngine, Limits, RunFinished, RunPaused
from domain.workflows.entities import (
    DraftWorkflowNotExist,
    NodeExecution,
    NodeStatus,
    RunStatus,
    Workflow,
    WorkflowRun,
)
from domain.workflows.nodes import NodeExecutors, NodeResult, RunContext
from domain.workflows.pause import PausedRun, WalkState
from domain.workflows.ports import RunEventLog
from domain.workflows.variables import VariablePool

log = logging.getLogger("weir.workflow")

Publish = Callable[[ev.RunEvent], Awaitable[None]]
SYSTEM_FILES = "sys.files"  # the key of a run's files among its stored inputs (Dify's)
DEBUGGING = "debugging"  # a run's triggered_from when the workflow editor ran the draft (Dify's)


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
    # A triggered run (webhook, schedule): the trigger node it starts from; its `inputs` are what the trigger
    # received (weir's own, not a user's form answers) and are stored as they are.
    root_node_id: str | None = None


@dataclass(frozen=True, slots=True)
class RunSetup:
    """What a run starts from besides its workflow: who runs it (the end user's session), its variable
    pool, and, for a chatflow, the earlier turns (query, answer) llm nodes with memory remember."""

    user: str
    pool: VariablePool
    history: tuple[tuple[str, str], ...] = ()
    # How many workflow tools deep this run is (a workflow called as a tool by another run's tool node).
    call_depth: int = 0
    # pause/resume (human input): a chatflow's message, kept with a paused run; and, when a paused run goes
    # on, its walk and the results of its answered nodes (then `pool` is the walk's, restored).
    message_id: UUID | None = None
    conversation_id: UUID | None = None
    resume: tuple[WalkState, Mapping[str, NodeResult]] | None = None
    announcements: tuple[ev.RunEvent, ...] = ()  # sent right after WorkflowStarted (the forms' answers)


def system_variables(run: WorkflowRun, workflow: Workflow, user: str) -> dict[str, Any]:
    """The `sys.*` values every run has (a chatflow adds its query and conversation)."""
    return {
        "query": "",
        "files": [],
        "user_id": console_user_id(user),
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
    first node runs; node starts and finishes are buffered and stored in batches (NodeRows: a checkpoint
    within a second, and the last rows in the transaction that stores the finished run; no connection is
    held while a node waits); every finished run goes to the telemetry pipeline (one trace job per run,
    which records its nodes too); a stop from any process ends the run as `stopped`. The events:
    WorkflowStarted, node events, WorkflowFinished. A version's graph is parsed once (ParsedGraphs).

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
        pauses: PauseRun,
        files: ResolveFiles | None = None,
        graphs: ParsedGraphs | None = None,
        recorder: RecordWorkflowTrace | None = None,
        cache: CallerCache | None = None,
    ) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()
        self._recorder = recorder
        self._pauses = pauses
        self._graphs = graphs or ParsedGraphs()
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
        workflow = await self._workflow_of(request)
        self._graphs.of(workflow, request.root_node_id)  # an invalid graph is refused before anything is stored
        if request.root_node_id is None:
            inputs = await self.checked_inputs(workflow, request.app, request.end_user, request.inputs)
        else:
            inputs = dict(request.inputs)
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
            graph=workflow.graph,
            root_node_id=request.root_node_id,
        )
        handle = WorkflowRunHandle(self._ids.new_id(), run, self._events)
        await self._stops.register(handle.task_id, request.end_user.session_id)
        try:
            # The editor's test runs are its run history, not the app's log.
            logged_from = None if request.triggered_from == DEBUGGING else "service-api"
            async with self._uow() as uow:
                await uow.workflow_runs.add(run, logged_from)
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

    async def _workflow_of(self, request: RunWorkflowRequest) -> Workflow:
        """The version to run. The app's published one is remembered a few seconds (the callers' cache, which a
        publish, an app change or a deletion makes every process forget): a run then starts with no read."""
        published = not request.draft and request.workflow_id is None
        if published and (cached := self._cache.published_workflow(request.app.id)) is not None:
            return cached
        async with self._uow() as uow:
            workflow = await self._workflow(uow, request)
        if published:
            self._cache.keep_published_workflow(request.app.id, workflow)
        return workflow

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
    ) -> RunFinished | RunPaused:
        """Runs a prepared run (its row stored, its stop registered) to its end or its pause: stores each
        node and the finished (or paused: PauseRun) run, hands every event to `publish` in order, and
        returns how the graph ended."""
        run = handle.run
        context = RunContext(
            run.tenant_id, run.app_id, workflow.id, run.id, setup.user, call_depth=setup.call_depth,
            history=setup.history,
        )
        graph = self._graphs.of(workflow, run.root_node_id)
        engine = GraphEngine(
            graph,
            self._executors,
            context,
            setup.pool,
            self._clock,
            self._ids,
            self._limits,
            until_stopped=lambda: self._stops.wait_stopped(handle.task_id),
            resume=setup.resume,
        )
        await publish(ev.WorkflowStarted.of(run, "resumption" if setup.resume else "initial"))
        for announcement in setup.announcements:
            await publish(announcement)
        nodes: dict[UUID, NodeExecution] = {}
        attempt: list[NodeExecution] = []  # every node this attempt started: the run's trace, recorded here
        # The run's node rows: a pause must call `rows.flush(...)` with the paused run's state, as _finish does.
        rows = NodeRows(self._uow)
        if setup.resume is not None:  # pause/resume: the waiting nodes' rows were stored by the paused attempt
            for pending in setup.resume[0].pending:
                node = graph.nodes[pending.node_id]
                started = ev.NodeStarted(
                    pending.execution_id, ev.NodeRef.of(node), pending.index, pending.predecessor_id,
                    pending.started_at,
                )
                nodes[pending.execution_id] = _node_row(run, started)
        try:
            async for event in engine.run(run.inputs):
                if isinstance(event, RunPaused):  # pause/resume
                    paused = PausedRun(
                        run.id, setup.user, event.state, self._clock.now(), setup.message_id, setup.conversation_id,
                        setup.history,
                    )
                    # The buffered node rows first: PauseRun marks the waiting ones paused, so they must exist. A
                    # crash in between leaves a running run with a lease, which the reaper fails.
                    await rows.flush()
                    await self._pauses.execute(run, graph, paused, list(nodes.values()), publish)
                    return event
                if isinstance(event, RunFinished):
                    # A resumed run's earlier nodes are not in memory: its trace is the job's to record.
                    claimed = await self._finish(run, event, rows, None if setup.resume else attempt)
                    await publish(ev.WorkflowFinished.of(run))
                    if claimed is not None:
                        self._record(run, attempt, claimed)
                    else:
                        await self._traces.workflow_finished(
                            run.id, EventTimes(run.created_at, run.finished_at, run.status.value)
                        )
                    return event
                stored = self._store(run, event, nodes, rows)
                if isinstance(event, ev.NodeStarted):
                    attempt.append(stored)
                await publish(event)
        except asyncio.CancelledError:
            try:
                await self._interrupted(run, nodes, rows)
            except Exception:
                log.warning("could not mark the interrupted run %s failed", run.id, exc_info=True)
            raise
        finally:
            rows.close()
            await self._stops.forget(handle.task_id)
        raise AssertionError("the engine's stream always ends with RunFinished")

    async def _interrupted(self, run: WorkflowRun, nodes: dict[UUID, NodeExecution], rows: NodeRows) -> None:
        """A run cancelled mid-execution (the server shutting down) ends failed, never `running`."""
        now = self._clock.now()
        run.finish(RunStatus.FAILED, {}, SHUT_DOWN_RUN, run.total_tokens, run.total_steps, run.exceptions_count, now)
        for execution in nodes.values():
            execution.finish(NodeStatus.FAILED, {}, {}, {}, {}, SHUT_DOWN_RUN, now)
            rows.changed(execution)
        await rows.flush(lambda uow: uow.workflow_runs.update(run))

    def _store(
        self, run: WorkflowRun, event: ev.NodeEvent, nodes: dict[UUID, NodeExecution], rows: NodeRows
    ) -> NodeExecution | None:
        if isinstance(event, ev.NodeStarted):
            execution = _node_row(run, event)
            nodes[event.execution_id] = execution
            rows.changed(execution)
            return execution
        if isinstance(event, ev.NodeFinished):
            execution = nodes.pop(event.execution_id)
            execution.finish(
                event.status, event.inputs, event.process_data, event.outputs, _stored_metadata(event), event.error,
                event.finished_at,
            )
            rows.changed(execution)
            return execution
        return None

    async def _finish(
        self, run: WorkflowRun, event: RunFinished, rows: NodeRows, attempt: list[NodeExecution] | None
    ) -> set[UUID] | None:
        """Stores the run's end with its last node rows in one commit; with a recorder and every node of the run
        at hand (`attempt`), its trace keys are claimed in that commit too. Returns the nodes whose trace keys it
        claimed, or None when the trace is left to the job."""
        run.finish(
            event.status,
            event.outputs,
            event.error,
            event.total_tokens,
            event.total_steps,
            event.exceptions_count,
            self._clock.now(),
        )
        claimed: list[set[UUID]] = []

        async def also(uow: UnitOfWork) -> None:
            await uow.workflow_runs.update(run)
            if self._recorder is None or attempt is None:
                return
            keys = {node_trace_key(n.id): n.id for n in attempt if n.status.value in NODE_ENDED and n.finished_at}
            run_key = run_trace_key(run.id)
            won = await uow.telemetry.claim_with(run_key, list(keys))
            if run_key in won:
                claimed.append({keys[key] for key in won if key != run_key})

        await rows.flush(also)  # the last node rows, the run and its trace keys: one commit
        return claimed[0] if claimed else None

    def _record(self, run: WorkflowRun, attempt: list[NodeExecution], claimed: set[UUID]) -> None:
        try:
            self._recorder.record_claimed(finished_run_record(run), [node_record(n) for n in attempt], claimed)
        except Exception:  # telemetry never fails a run; the run is stored either way
            log.warning("could not record the trace of workflow run %s", run.id, exc_info=True)


def _node_row(run: WorkflowRun, event: ev.NodeStarted) -> NodeExecution:
    """The row a NodeStarted makes (and, on pause/resume, the one a waiting node's made in the paused attempt)."""
    return NodeExecution(
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
