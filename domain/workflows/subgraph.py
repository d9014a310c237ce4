"""Containers: an iteration runs its sub-graph once per item (optionally in parallel), a loop once per round
until a break condition holds, a loop-end node is reached or loop_count rounds have run."""

import asyncio
from typing import Any

from domain.workflows import run_events as ev
from domain.workflows.conditions import all_or_any, compare
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeFailed, NodeResult
from domain.workflows.walk import RunServices, Walk

TERMINATED, CONTINUE, REMOVE = "terminated", "continue-on-error", "remove-abnormal-output"


class SubgraphRunner:
    """The walk's ContainerRunner: each round is a Walk of the container's sub-graph on a copy of the pool."""

    def __init__(self, services: RunServices) -> None:
        self._services = services
        self._clock = services.clock
        self._ids = services.ids
        self._emit = services.emit

    async def run_container(self, parent: Walk, node: Node) -> NodeResult:
        if node.type == "iteration":
            return await self._iterate(parent, node)
        return await self._loop(parent, node)

    def _walk(self, parent: Walk, node: Node, pool, index: int) -> Walk:
        scope = ev.Scope(node.id, node.type, index)
        walk = Walk(parent.graph.children_of(node.id), pool, self._services, self, scope=scope)
        pool.add_outputs(walk.graph.root_id, {})
        return walk

    async def _iterate(self, parent: Walk, node: Node) -> NodeResult:
        items = parent.pool.get(list(node.data.get("iterator_selector") or []))
        if items is None:
            items = []
        if not isinstance(items, list):
            raise NodeFailed(f"Iteration {node.title} needs a list, got {type(items).__name__}.")
        output_selector = list(node.data.get("output_selector") or [])
        mode = node.data.get("error_handle_mode") or TERMINATED
        parallel = bool(node.data.get("is_parallel"))
        gate = asyncio.Semaphore(max(1, int(node.data.get("parallel_nums") or 10)) if parallel else 1)
        execution, ref = self._ids.new_id(), ev.NodeRef.of(node)
        started = self._clock.now()
        await self._emit(ev.ContainerStarted(execution, ref, {"iterator_selector": items}, started))

        async def one(index: int, item: Any) -> tuple[bool, Any]:
            async with gate:
                await self._emit(ev.ContainerNext(execution, ref, index))
                pool = parent.pool.copy()
                pool.add_outputs(node.id, {"item": item, "index": index})
                walk = self._walk(parent, node, pool, index)
                try:
                    await walk.run()
                except Exception as failure:  # a round's failure is judged by the error mode
                    if mode == TERMINATED:
                        raise
                    return False, str(getattr(failure, "message", failure))
                return True, pool.get(output_selector)

        try:
            results = await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
        except Exception as failure:
            message = str(getattr(failure, "message", failure))
            await self._emit(
                ev.ContainerCompleted(execution, ref, {}, started, self._clock.now(), len(items), message)
            )
            raise NodeFailed(message) from failure
        outputs = [value for ok, value in results if ok] if mode == REMOVE else [v if ok else None for ok, v in results]
        if node.data.get("flatten_output") and all(isinstance(o, list) for o in outputs):
            outputs = [x for o in outputs for x in o]
        await self._emit(
            ev.ContainerCompleted(execution, ref, {"output": outputs}, started, self._clock.now(), len(items))
        )
        return NodeResult(outputs={"output": outputs}, metadata={"iteration_count": len(items)})

    async def _loop(self, parent: Walk, node: Node) -> NodeResult:
        count = max(1, int(node.data.get("loop_count") or 1))
        variables = {v.get("label"): self._initial(parent, v) for v in node.data.get("loop_variables") or []}
        execution, ref = self._ids.new_id(), ev.NodeRef.of(node)
        started = self._clock.now()
        parent.pool.add_outputs(node.id, variables)
        await self._emit(ev.ContainerStarted(execution, ref, dict(variables), started))
        reason = "loop_count_reached"
        for index in range(count):
            if self._should_break(node, parent.pool):
                reason = "break_condition"
                break
            await self._emit(ev.ContainerNext(execution, ref, index))
            pool = parent.pool.copy()
            walk = self._walk(parent, node, pool, index)
            await walk.run()
            for name in variables:  # loop variables carry over from round to round
                parent.pool.add(node.id, name, pool.get([node.id, name]))
            if walk.ended_early:
                reason = "loop_end_node"
                break
        else:
            if self._should_break(node, parent.pool):
                reason = "break_condition"
        outputs = {name: parent.pool.get([node.id, name]) for name in variables}
        await self._emit(ev.ContainerCompleted(execution, ref, outputs, started, self._clock.now(), count))
        return NodeResult(outputs=outputs, metadata={"completed_reason": reason})

    @staticmethod
    def _initial(parent, variable: dict) -> Any:
        value = variable.get("value")
        if variable.get("value_type") == "variable" and isinstance(value, list):
            return parent.pool.get(value)
        return value

    @staticmethod
    def _should_break(node: Node, pool) -> bool:
        conditions = node.data.get("break_conditions") or []
        results = [
            compare(
                c.get("comparison_operator", "is"), pool.get(list(c.get("variable_selector") or [])), c.get("value")
            )
            for c in conditions
        ]
        return all_or_any(node.data.get("logical_operator") or "and", results)
