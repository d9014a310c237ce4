"""The graph engine: runs a whole graph (see walk.py for how nodes are scheduled) and reports what happens
as an async stream of events, ending with RunFinished. It adds what a run has beyond one walk: the time
limit, a stop from outside, and one final outcome whatever happened."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.workflows import run_events as ev
from domain.workflows.entities import RunStatus
from domain.workflows.graph import Graph
from domain.workflows.nodes import NodeExecutors, NodeResult, RunContext
from domain.workflows.pause import RunPaused, WalkState
from domain.workflows.response_stream import ResponseCoordinator
from domain.workflows.subgraph import SubgraphRunner
from domain.workflows.triggers import TRIGGER_TYPES
from domain.workflows.variables import SYSTEM, VariablePool
from domain.workflows.walk import STOPPED_MESSAGE, Limits, RunAborted, RunServices, Walk

__all__ = ["ENGINE_TYPES", "GraphEngine", "Limits", "RunFinished", "RunPaused"]

# Node types the engine runs itself (no executor needed).
ENGINE_TYPES = frozenset(
    {"start", "iteration", "iteration-start", "loop", "loop-start", "loop-end", "human-input"} | TRIGGER_TYPES
)


@dataclass(frozen=True, slots=True)
class RunFinished:
    """How the graph ended: the last item of the engine's stream (the run use case stores it and reports
    WorkflowFinished). `answer` is what the Answer nodes produced; `conversation_variables` their values now.
    """

    status: RunStatus
    outputs: dict[str, Any]
    error: str | None
    total_tokens: int
    total_steps: int
    exceptions_count: int
    answer: str = ""
    conversation_variables: dict[str, Any] = field(default_factory=dict)


class GraphEngine:
    """Runs a whole graph and reports what happens as an async stream of events, ending with RunFinished."""

    def __init__(
        self,
        graph: Graph,
        executors: NodeExecutors,
        run: RunContext,
        pool: VariablePool,
        clock: Clock,
        ids: IdGenerator,
        limits: Limits = Limits(),
        until_stopped: Callable[[], Awaitable[None]] | None = None,
        resume: tuple[WalkState, Mapping[str, NodeResult]] | None = None,
    ) -> None:
        self._graph = graph
        self._resume = resume  # pause/resume: the paused walk and the results of its answered nodes
        self._pool = pool
        self._until_stopped = until_stopped  # returns when the run is to stop
        self._events: asyncio.Queue = asyncio.Queue()
        self._services = RunServices(executors, run, clock, ids, self._emit, limits)

    async def run(self, inputs: dict) -> AsyncIterator[ev.NodeEvent | RunFinished | RunPaused]:
        driver = asyncio.create_task(self._drive(inputs))
        try:
            while True:
                item = await self._events.get()
                yield item
                if isinstance(item, RunFinished | RunPaused):
                    return
        finally:
            driver.cancel()

    async def _drive(self, inputs: dict) -> None:
        limits = self._services.limits
        walk = Walk(
            self._graph, self._pool, self._services, SubgraphRunner(self._services), ResponseCoordinator(self._graph)
        )
        # The start node's outputs carry the system variables too, as `sys.<name>` (Dify's start node does
        # the same): DSL files from before `sys` was a root of its own select [start_id, "sys.query"].
        system = {f"{SYSTEM}.{name}": value for name, value in self._pool.system_variables().items()}
        self._pool.add_outputs(self._graph.root_id, {**inputs, **system})
        watcher = asyncio.create_task(self._until_stopped()) if self._until_stopped else None
        walking: asyncio.Task | None = None
        try:
            async with asyncio.timeout(limits.max_seconds):
                if self._resume is not None:  # pause/resume
                    walk.restore(self._resume[0])
                    walking = asyncio.create_task(walk.resume(self._resume[1]))
                else:
                    walking = asyncio.create_task(walk.run())
                waiting = {walking} | ({watcher} if watcher else set())
                done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                if walking not in done:
                    walking.cancel()
                    await asyncio.gather(walking, return_exceptions=True)
                    raise RunAborted(RunStatus.STOPPED, STOPPED_MESSAGE)
                walking.result()
            if walk.pending:  # pause/resume: nothing more can run until someone answers
                await self._emit(RunPaused(walk.state()))
                return
            handled = self._services.counters.exceptions
            status = RunStatus.PARTIAL_SUCCEEDED if handled else RunStatus.SUCCEEDED
            await self._finish(status, walk.outputs, None, walk.answer)
        except TimeoutError:
            message = f"Max execution time {limits.max_seconds:g}s reached."
            await self._finish(RunStatus.FAILED, {}, message, walk.answer)
        except RunAborted as aborted:
            await self._finish(aborted.status, {}, aborted.message, walk.answer)
        except Exception as error:  # a bug in an executor or the engine: the run fails, the caller is told
            message = f"Internal error: {type(error).__name__}: {error}"
            await self._finish(RunStatus.FAILED, {}, message, walk.answer)
        finally:
            if watcher:
                watcher.cancel()
            if walking is not None and not walking.done():  # the run itself was cancelled: so are its nodes
                walking.cancel()

    async def _emit(self, event: ev.NodeEvent | RunFinished) -> None:
        self._events.put_nowait(event)

    async def _finish(self, status: RunStatus, outputs: dict, error: str | None, answer: str) -> None:
        c = self._services.counters
        await self._emit(
            RunFinished(
                status=status,
                outputs=outputs,
                error=error,
                total_tokens=c.tokens,
                total_steps=c.steps,
                exceptions_count=c.exceptions,
                answer=answer,
                conversation_variables=self._pool.conversation_variables(),
            )
        )
