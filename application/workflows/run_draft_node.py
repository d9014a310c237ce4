"""The workflow editor's single-step run: one node of the draft, run alone on the values the editor gives
for the variables it reads; and the last time a node of the draft ran."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from application.conversations.generations import Generations
from application.workflows.draft_parts import InspectedVariable, conversation_values, shown_node_variables
from application.workflows.run_handle import WorkflowRunHandle
from application.workflows.run_history import Runner, node_runner
from application.workflows.run_workflow import DEBUGGING, Publish, _stored_metadata, environment_variables
from domain.apps.entities import App, AppMode, EndUser
from domain.apps.errors import NotWorkflowApp
from domain.conversations.debugger import console_user_id
from domain.conversations.ports import StopSignals
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows import run_events as ev
from domain.workflows.engine import GraphEngine, Limits, RunFinished, RunPaused
from domain.workflows.entities import DraftWorkflowNotExist, NodeExecution, NodeStatus, RunStatus, Workflow, WorkflowRun
from domain.workflows.graph import Graph, Node, node_alone
from domain.workflows.nodes import NodeExecutors, RunContext
from domain.workflows.ports import RunEventLog
from domain.workflows.variables import VariablePool

log = logging.getLogger("weir.workflow")


@dataclass(frozen=True, slots=True)
class DraftNodeRequest:
    app: App
    end_user: EndUser  # the account's debugger end user, as for the editor's test runs
    node_id: str
    # The editor's values: `#<node_id>.<name>#` for a variable the node reads (`#sys.query#` too); a Start
    # node's own inputs by their plain names.
    inputs: dict[str, Any] = field(default_factory=dict)
    query: str = ""


def _selector(key: str) -> list[str] | None:
    if len(key) > 2 and key.startswith("#") and key.endswith("#"):
        parts = key[1:-1].split(".")
        if len(parts) >= 2 and all(parts):
            return parts
    return None


def _seed(pool: VariablePool, selector: list[str], value: Any) -> None:
    """Puts a value at a selector; a deeper selector (`#node.obj.key#`) nests it in its variable."""
    owner, name, *path = selector
    if not path:
        pool.add(owner, name, value)
        return
    root = pool.get([owner, name])
    root = dict(root) if isinstance(root, dict) else {}
    current = root
    for key in path[:-1]:
        current = current.setdefault(key, {}) if isinstance(current.get(key, {}), dict) else {}
    current[path[-1]] = value
    pool.add(owner, name, root)


@dataclass(frozen=True)
class _Prepared:
    request: DraftNodeRequest
    draft: Workflow
    graph: Graph
    node: Node
    pool: VariablePool
    own_inputs: dict[str, Any]
    context: RunContext


class RunDraftNode:
    """Runs one node of an app's draft on its own.

    Rules: the app is a workflow or chatflow app with a draft that has the node (the rest of the draft may be
    unfinished); the node runs through the engine as in a run (its executor, retries, error strategy,
    limits; a container with the nodes inside it), on a pool of the draft's environment and conversation
    variables (as the inspector shows them: edited ones with the editor's value), the other nodes' values the
    inspector shows, `sys.*`, and the editor's values; the execution is stored without a run (Dify's single-step)
    and is then the node's last run. A failing node is a finished execution with its error, not an error
    response. A human-input node cannot run alone.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        executors: NodeExecutors,
        clock: Clock,
        ids: IdGenerator,
        limits: Limits,
        stops: StopSignals,
        events: RunEventLog,
        generations: Generations,
    ) -> None:
        self._uow = uow
        self._executors = executors
        self._clock = clock
        self._ids = ids
        self._limits = limits
        self._stops = stops
        self._events = events
        self._generations = generations

    async def execute(self, request: DraftNodeRequest) -> tuple[NodeExecution, Runner]:
        """Runs the node to its end: its stored execution and who ran it."""
        prepared = await self._prepare(request, None)
        execution, _ = await self._run(prepared, None, None)
        async with self._uow() as uow:
            return execution, await node_runner(uow, execution)

    async def start(self, request: DraftNodeRequest, container_type: str) -> WorkflowRunHandle:
        """Runs a container node (iteration, loop) in the background, its events streamed as a run's: Dify's
        single iteration and loop runs, framed by workflow_started and workflow_finished (the run itself
        is not stored; the node's execution is, as any single-step run's). A stop ends it `stopped`."""
        prepared = await self._prepare(request, container_type)
        app, draft = request.app, prepared.draft
        run = WorkflowRun(
            id=prepared.context.run_id,
            tenant_id=app.tenant_id,
            app_id=app.id,
            workflow_id=draft.id,
            type=draft.type,
            triggered_from=DEBUGGING,
            version=draft.version,
            inputs=dict(request.inputs),
            created_by_role="end_user",
            created_by=request.end_user.id,
            created_at=self._clock.now(),
        )
        handle = WorkflowRunHandle(self._ids.new_id(), run, self._events)
        await self._stops.register(handle.task_id, request.end_user.session_id)
        self._generations.spawn(self._stream(prepared, handle))
        return handle

    async def _stream(self, prepared: "_Prepared", handle: WorkflowRunHandle) -> None:
        run = handle.run
        try:
            await handle.publish(ev.WorkflowStarted.of(run))
            try:
                execution, outcome = await self._run(
                    prepared, handle.publish, lambda: self._stops.wait_stopped(handle.task_id)
                )
                run.finish(
                    outcome.status,
                    execution.outputs,
                    outcome.error,
                    outcome.total_tokens,
                    outcome.total_steps,
                    outcome.exceptions_count,
                    self._clock.now(),
                )
            except Exception as error:  # storing the execution failed: the stream still ends, failed
                log.warning("a single-step run of %s failed", prepared.node.id, exc_info=True)
                run.finish(RunStatus.FAILED, {}, f"Internal error: {type(error).__name__}", 0, 0, 0, self._clock.now())
            await handle.publish(ev.WorkflowFinished.of(run))
        finally:
            await self._stops.forget(handle.task_id)

    async def _prepare(self, request: DraftNodeRequest, container_type: str | None) -> "_Prepared":
        app = request.app
        if app.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT):
            raise NotWorkflowApp()
        async with self._uow() as uow:
            draft = await uow.workflows.draft(app.id)
            if draft is None:
                raise DraftWorkflowNotExist()
            shown = await shown_node_variables(uow, draft)
            conversation = await conversation_values(uow, draft)
        graph = node_alone(draft.graph, request.node_id)
        if graph is None:
            raise NotFound(f"Node {request.node_id} not found in the draft workflow.")
        node = graph.nodes[request.node_id]
        if node.type == "human-input":
            raise InvalidParam("A human-input node cannot run on its own; run the workflow.")
        if container_type is not None and node.type != container_type:
            raise InvalidParam(f"Node {node.id} is not a {container_type} node.")
        pool, own_inputs = self._pool(request, draft, shown, conversation)
        context = RunContext(app.tenant_id, app.id, draft.id, self._ids.new_id(), request.end_user.session_id)
        return _Prepared(request, draft, graph, node, pool, own_inputs, context)

    async def _run(
        self, prepared: "_Prepared", publish: Publish | None, until_stopped: Callable[[], Awaitable[None]] | None
    ) -> tuple[NodeExecution, RunFinished]:
        """Drives the engine over the node (and what is inside it), hands each event to `publish`, and stores
        the node's execution."""
        request, node = prepared.request, prepared.node
        engine = GraphEngine(
            prepared.graph,
            self._executors,
            prepared.context,
            prepared.pool,
            self._clock,
            self._ids,
            self._limits,
            until_stopped=until_stopped,
        )
        started: ev.NodeStarted | None = None
        finished: ev.NodeFinished | None = None
        outcome: RunFinished | None = None
        async for event in engine.run(prepared.own_inputs):
            if isinstance(event, RunPaused):  # defensive: nothing inside a single node should pause
                raise InvalidParam("This node waits for a person; run the workflow.")
            if isinstance(event, RunFinished):
                outcome = event
                break
            if isinstance(event, ev.NodeStarted) and event.node.id == node.id and event.scope is None:
                started = event
            elif isinstance(event, ev.NodeFinished) and event.node.id == node.id and event.scope is None:
                finished = event
            if publish is not None:
                await publish(event)
        if started is None or outcome is None:
            raise AssertionError("a node run alone always starts, and the engine always finishes")
        execution = NodeExecution(
            id=started.execution_id,
            tenant_id=request.app.tenant_id,
            app_id=request.app.id,
            workflow_id=prepared.draft.id,
            workflow_run_id=None,
            index=1,
            node_id=node.id,
            node_type=node.type,
            title=node.title,
            created_at=started.started_at,
            created_by_role="end_user",
            created_by=request.end_user.id,
        )
        if finished is not None:
            execution.finish(
                finished.status,
                finished.inputs,
                finished.process_data,
                finished.outputs,
                _stored_metadata(finished),
                finished.error,
                finished.finished_at,
            )
        else:  # stopped (or timed out) before the node finished
            execution.finish(NodeStatus.FAILED, {}, {}, {}, {}, outcome.error, self._clock.now())
        async with self._uow() as uow:
            await uow.workflow_runs.add_node(execution)
            await uow.commit()
        return execution, outcome

    def _pool(
        self,
        request: DraftNodeRequest,
        draft: Workflow,
        shown: list[InspectedVariable],
        conversation: dict[str, Any],
    ) -> tuple[VariablePool, dict[str, Any]]:
        """The pool the node reads, and a Start node's own inputs (what the engine gives the root node): the
        inspector's values (the nodes' last outputs, or the editor's edits), then the editor's inputs."""
        system = {
            "query": request.query,
            "files": [],
            "user_id": console_user_id(request.end_user.session_id),
            "app_id": str(request.app.id),
            "workflow_id": str(draft.id),
            "workflow_run_id": "",
            "timestamp": int(self._clock.now().timestamp()),
        }
        if request.app.mode == AppMode.ADVANCED_CHAT:
            system |= {"conversation_id": "", "dialogue_count": 1}
        pool = VariablePool(system=system, environment=environment_variables(draft), conversation=conversation)
        for variable in shown:
            if variable.selector[0] != request.node_id:
                pool.add(variable.selector[0], variable.name, variable.value)
        own: dict[str, Any] = {}
        for key, value in request.inputs.items():
            selector = _selector(key)
            if selector is None:
                own[key] = value
            elif selector[0] == request.node_id and len(selector) == 2:
                own[selector[1]] = value  # the node's own variable (a Start node's inputs, as `#start.x#`)
            else:
                _seed(pool, selector, value)
        return pool, own


class LastNodeRun:
    """The newest execution of a node of the app's draft, in a test run or run alone ("last run not found"
    when it never ran)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app: App, node_id: str) -> tuple[NodeExecution, Runner]:
        async with self._uow() as uow:
            draft = await uow.workflows.draft(app.id)
            if draft is None:
                raise NotFound("Workflow not found")
            execution = await uow.workflow_runs.last_node_run(draft.id, node_id)
            if execution is None:
                raise NotFound("last run not found")
            return execution, await node_runner(uow, execution)
