"""One pass over a graph: the run's top level, or one round of a container's sub-graph.

Scheduling (Dify's rule): each edge is unknown, then taken or skipped. A node runs when none of its
incoming edges is unknown and at least one is taken; when all are skipped it is skipped, and so are the
edges leaving it. A branching node takes only the edges whose handle it chose. Node failures follow the
node's error strategy (fail-branch, default-value) and retry config; an unhandled failure aborts the walk.

This module is the leaf both the engine and the containers build on: a container node is handed to a
`ContainerRunner` (the containers module), which walks its sub-graph with this same class, so neither
needs to import the other.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.workflows import run_events as ev
from domain.workflows import triggers
from domain.workflows.entities import NodeStatus, RunStatus
from domain.workflows.graph import Edge, Graph, Node
from domain.workflows.human_input import FormSpec
from domain.workflows.nodes import NodeContext, NodeExecutors, NodeFailed, NodeResult, RunContext
from domain.workflows.pause import PAUSING_TYPES, PendingNode, WalkState
from domain.workflows.response_stream import ResponseCoordinator
from domain.workflows.variables import VariablePool

STOPPED_MESSAGE = "Workflow execution stopped by the user."  # the run's error, and its interrupted nodes'

TAKEN, SKIPPED = "taken", "skipped"
FAIL_BRANCH, SUCCESS_BRANCH = "fail-branch", "success-branch"


@dataclass(frozen=True, slots=True)
class Limits:
    max_steps: int = 500
    max_seconds: float = 1200.0
    max_parallel: int = 10


class RunAborted(Exception):
    def __init__(self, status: RunStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Counters:
    steps: int = 0
    tokens: int = 0
    exceptions: int = 0


@dataclass
class RunServices:
    """What every walk of one run shares: the executors, who runs, time and ids, where events go, the
    run-wide counters and limits."""

    executors: NodeExecutors
    run: RunContext
    clock: Clock
    ids: IdGenerator
    emit: Callable[[ev.NodeEvent], Awaitable[None]]
    limits: Limits
    counters: Counters = field(default_factory=Counters)


class ContainerRunner(Protocol):
    """Runs a container node (iteration, loop) found by a walk, walking its sub-graph each round."""

    async def run_container(self, parent: "Walk", node: Node) -> NodeResult: ...


class Walk:
    def __init__(
        self,
        graph: Graph,
        pool: VariablePool,
        services: RunServices,
        containers: ContainerRunner,
        coordinator: ResponseCoordinator | None = None,
        scope: ev.Scope | None = None,
    ) -> None:
        self.graph = graph
        self.pool = pool
        self.services = services
        self._containers = containers
        self._coordinator = coordinator  # only the top level streams answer text
        self.scope = scope
        self._edges = {e.id: "" for e in graph.edges}
        self.started: set[str] = set()
        self.finished: set[str] = set()
        self.skipped: set[str] = set()
        self.outputs: dict = {}
        self.answer = ""
        self.ended_early = False  # a loop-end node was reached
        self.pending: dict[str, PendingNode] = {}  # pause/resume: nodes waiting outside the run

    async def run(self) -> None:
        running: dict[asyncio.Task, str] = {}
        self._start(self.graph.root_id, None, running)
        await self._walk(running)

    # --- pause/resume (human input, see pause.py): a pending node's task returns None and leaves its edges
    # undecided; the walk goes on elsewhere until nothing can run, its state is kept, and `resume` finishes
    # the answered pending nodes in a new walk restored from that state.

    async def resume(self, results: Mapping[str, NodeResult]) -> None:
        running: dict[asyncio.Task, str] = {}
        for node_id, result in results.items():
            pending = self.pending.pop(node_id, None)
            if pending is None:
                continue
            node, succeeded = self.graph.nodes[node_id], NodeStatus.SUCCEEDED
            await self._done(
                pending.execution_id,
                node,
                pending.index,
                pending.predecessor_id,
                pending.started_at,
                succeeded,
                result,
                None,
                0,
            )
            for ready, predecessor in await self._settle(node_id, (succeeded, result)):
                self._start(ready, predecessor, running)
        await self._walk(running)

    def state(self) -> WalkState:
        c = self.services.counters
        return WalkState(
            edges=dict(self._edges),
            started=tuple(sorted(self.started)),
            finished=tuple(sorted(self.finished)),
            skipped=tuple(sorted(self.skipped)),
            outputs=dict(self.outputs),
            answer=self.answer,
            pending=tuple(self.pending.values()),
            pool=self.pool.snapshot(),
            responses=self._coordinator.state() if self._coordinator else (),
            steps=c.steps,
            tokens=c.tokens,
            exceptions=c.exceptions,
        )

    def restore(self, state: WalkState) -> None:
        self._edges.update(state.edges)
        self.started, self.finished, self.skipped = set(state.started), set(state.finished), set(state.skipped)
        self.outputs, self.answer = dict(state.outputs), state.answer
        self.pending = {p.node_id: p for p in state.pending}
        c = self.services.counters
        c.steps, c.tokens, c.exceptions = state.steps, state.tokens, state.exceptions
        if self._coordinator is not None:
            self._coordinator.restore(state.responses)

    # --- end pause/resume

    async def _walk(self, running: dict[asyncio.Task, str]) -> None:
        try:
            while running:
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    node_id = running.pop(task)
                    outcome = task.result()
                    if outcome is None:  # pending (pause/resume): its edges stay undecided
                        continue
                    for ready, predecessor in await self._settle(node_id, outcome):
                        self._start(ready, predecessor, running)
                if self.ended_early:
                    break
        finally:
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)

    def _start(self, node_id: str, predecessor: str | None, running: dict) -> None:
        if node_id in self.started:
            return
        self.started.add(node_id)
        counters, limits = self.services.counters, self.services.limits
        counters.steps += 1
        if counters.steps > limits.max_steps:
            raise RunAborted(RunStatus.FAILED, f"Max steps {limits.max_steps} reached.")
        running[asyncio.create_task(self._execute(self.graph.nodes[node_id], predecessor))] = node_id

    async def _execute(self, node: Node, predecessor: str | None) -> tuple[NodeStatus, NodeResult] | None:
        s = self.services
        execution_id, index, started = s.ids.new_id(), s.counters.steps, s.clock.now()
        await s.emit(ev.NodeStarted(execution_id, ev.NodeRef.of(node), index, predecessor, started, self.scope))
        if node.type in PAUSING_TYPES:  # pause/resume: the node waits; only the top level can keep its state
            try:
                FormSpec.of(node.title, node.data)
            except InvalidParam as invalid:
                return await self._handle_failure(execution_id, node, index, predecessor, started, invalid.message, 0)
            if self.scope is None:
                self.pending[node.id] = PendingNode(execution_id, node.id, index, predecessor, started)
                return None
            error = f"A {node.type} node cannot run inside an iteration or a loop in weir yet."
            return await self._handle_failure(execution_id, node, index, predecessor, started, error, 0)
        try:
            return await self._attempts(node, execution_id, index, predecessor, started)
        except asyncio.CancelledError:
            # The run is being stopped (or the process shut down): the node ends `stopped`, as Dify's do, so its
            # row and the editor's node do not stay `running`. Emitting does not suspend, so it is safe here.
            stopped = NodeStatus.STOPPED
            await self._done(execution_id, node, index, predecessor, started, stopped, NodeResult(), STOPPED_MESSAGE, 0)
            raise

    async def _attempts(
        self, node: Node, execution_id: UUID, index: int, predecessor: str | None, started: datetime
    ) -> tuple[NodeStatus, NodeResult] | None:
        s = self.services
        retry = node.data.get("retry_config") or {}
        attempts = 1 + (int(retry.get("max_retries") or 0) if retry.get("retry_enabled") else 0)
        error = ""
        for attempt in range(attempts):
            try:
                result = await self._dispatch(node, execution_id)
                succeeded = NodeStatus.SUCCEEDED
                await self._done(execution_id, node, index, predecessor, started, succeeded, result, None, attempt)
                return succeeded, result
            except NodeFailed as failure:
                error = failure.message
                if attempt + 1 < attempts:
                    retried = ev.NodeRetried(
                        execution_id, ev.NodeRef.of(node), index, attempt + 1, error, started, self.scope
                    )
                    await s.emit(retried)
                    await asyncio.sleep(float(retry.get("retry_interval") or 0) / 1000)
        return await self._handle_failure(execution_id, node, index, predecessor, started, error, attempts - 1)

    async def _dispatch(self, node: Node, execution_id: UUID) -> NodeResult:
        if node.type in ("start", "iteration-start", "loop-start", triggers.SCHEDULE):
            return NodeResult(outputs=self.pool.node_outputs(node.id))
        if node.type == triggers.WEBHOOK:
            given = self.pool.node_outputs(node.id)
            system = {k: v for k, v in given.items() if k.startswith("sys.")}
            return NodeResult(inputs=given, outputs=triggers.webhook_outputs(node.data, given) | system)
        if node.type == triggers.PLUGIN:
            raise NodeFailed(
                "Plugin triggers need Dify's plugin daemon, which weir does not run; use a webhook or a schedule"
                " trigger, or start the workflow through the Service API."
            )
        if node.type in ("iteration", "loop"):
            return await self._containers.run_container(self, node)
        if node.type == "loop-end":
            self.ended_early = True
            return NodeResult()
        executor = self.services.executors.for_type(node.type)
        if executor is None:
            raise NodeFailed(f"Node type '{node.type}' is not supported by weir.")
        context = NodeContext(
            self.services.run, self.pool, lambda text: self._stream(node, text),
            lambda entry: self.services.emit(ev.AgentLog.of(execution_id, node, entry)),
        )
        return await executor.run(node, context)

    async def _stream(self, node: Node, text: str) -> None:
        if self._coordinator is not None:
            for chunk in self._coordinator.on_chunk(node.id, text, self.finished, self.skipped):
                await self.services.emit(chunk)

    async def _handle_failure(self, execution_id, node, index, predecessor, started, error, retries):
        strategy = node.data.get("error_strategy")
        if strategy not in (FAIL_BRANCH, "default-value"):
            failed = NodeStatus.FAILED
            await self._done(execution_id, node, index, predecessor, started, failed, NodeResult(), error, retries)
            raise RunAborted(RunStatus.FAILED, error)
        self.services.counters.exceptions += 1
        outputs = {"error_message": error, "error_type": "NodeError"}
        handle = FAIL_BRANCH
        if strategy == "default-value":
            outputs |= {d.get("key"): d.get("value") for d in node.data.get("default_value") or [] if d.get("key")}
            handle = "source"
        result = NodeResult(outputs=outputs, edge_handle=handle, metadata={"error_strategy": strategy})
        await self._done(execution_id, node, index, predecessor, started, NodeStatus.EXCEPTION, result, error, retries)
        return NodeStatus.EXCEPTION, result

    async def _done(self, execution_id, node, index, predecessor, started, status, result, error, retries) -> None:
        s = self.services
        if result.usage is not None:
            s.counters.tokens += result.usage.total_tokens
        await s.emit(
            ev.NodeFinished(
                execution_id,
                ev.NodeRef.of(node),
                index,
                predecessor,
                started,
                s.clock.now(),
                status,
                inputs=dict(result.inputs),
                process_data=dict(result.process_data),
                outputs=dict(result.outputs),
                metadata=dict(result.metadata),
                usage=result.usage,
                error=error,
                scope=self.scope,
                retries=retries,
            )
        )

    async def _settle(self, node_id: str, outcome: tuple[NodeStatus, NodeResult]) -> list[tuple[str, str]]:
        status, result = outcome
        node = self.graph.nodes[node_id]
        self.pool.add_outputs(node_id, result.outputs)
        for selector, value in result.variable_updates:
            if len(selector) == 2:
                self.pool.add(selector[0], selector[1], value)
        self.finished.add(node_id)
        if node.type == "end":
            self.outputs = dict(result.outputs)
        if node.type == "answer":
            self.answer += str(result.outputs.get("answer", ""))
        handle = result.edge_handle
        for edge in self.graph.outgoing.get(node_id, ()):
            self._edges[edge.id] = TAKEN if _follows(edge, handle, status) else SKIPPED
        ready = self._propagate(node_id)
        if self._coordinator is not None:
            for chunk in self._coordinator.advance(self.pool, self.finished, self.skipped):
                await self.services.emit(chunk)
        return ready

    def _propagate(self, node_id: str) -> list[tuple[str, str]]:
        ready, stack = [], [node_id]
        while stack:
            source = stack.pop()
            for edge in self.graph.outgoing.get(source, ()):
                target = edge.target
                states = [self._edges[e.id] for e in self.graph.incoming[target]]
                if "" in states or target in self.finished or target in self.skipped:
                    continue
                if TAKEN in states:
                    ready.append((target, source))
                else:
                    self.skipped.add(target)
                    for out in self.graph.outgoing.get(target, ()):
                        self._edges[out.id] = SKIPPED
                    stack.append(target)
        return list(dict.fromkeys(ready))


def _follows(edge: Edge, handle: str, status: NodeStatus) -> bool:
    if status is NodeStatus.EXCEPTION and handle == FAIL_BRANCH:
        return edge.source_handle == FAIL_BRANCH
    if edge.source_handle == FAIL_BRANCH:
        return False
    if handle == "source":
        return edge.source_handle in ("source", SUCCESS_BRANCH)
    return edge.source_handle == handle
