"""The graph engine with trivial executors: scheduling, branches, errors, containers, limits, stop."""

import asyncio
from uuid import UUID

import pytest

from domain.workflows import run_events as ev
from domain.workflows.engine import GraphEngine, Limits, RunFinished
from domain.workflows.graph import InvalidGraph, parse_graph
from domain.workflows.nodes import NodeFailed, NodeResult, RunContext
from domain.workflows.variables import VariablePool
from tests.fakes import FixedClock, SequentialIds
from tests.workflow_fakes import graph

RUN = RunContext(tenant_id=UUID(int=1), app_id=UUID(int=2), workflow_id=UUID(int=3), run_id=UUID(int=4), user_id="u")


class Scripted:
    """Node types for tests: `value` (outputs data.value), `branch` (chooses data.handle), `fail` (fails the
    first data.fail_times runs), `slow` (waits data.seconds), `double` (doubles the iteration item), `count`."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.order: list[str] = []

    def for_type(self, node_type: str):
        return (
            self if node_type in ("value", "branch", "fail", "slow", "double", "increment", "end", "answer") else None
        )

    async def run(self, node, context) -> NodeResult:
        self.calls[node.id] = self.calls.get(node.id, 0) + 1
        self.order.append(node.id)
        data = node.data
        if node.type == "fail" and self.calls[node.id] <= data.get("fail_times", 10**9):
            raise NodeFailed(f"{node.id} broke")
        if node.type == "slow":
            await asyncio.sleep(data["seconds"])
        if node.type == "branch":
            return NodeResult(edge_handle=data["handle"])
        if node.type == "double":
            if not isinstance(context.pool.get([data["of"], "item"]), int):
                raise NodeFailed("not a number")
            return NodeResult(outputs={"value": context.pool.get([data["of"], "item"]) * 2})
        if node.type == "increment":
            loop = data["loop"]
            return NodeResult(variable_updates=(((loop, "n"), context.pool.get([loop, "n"]) + 1),))
        if node.type == "end":
            return NodeResult(
                outputs={o["variable"]: context.pool.get(o["value_selector"]) for o in data.get("outputs", [])}
            )
        if node.type == "answer":
            return NodeResult(outputs={"answer": context.pool.render(data["answer"])})
        return NodeResult(outputs={"value": data.get("value", node.id)})


async def run(raw: dict, executors=None, inputs=None, limits=Limits(), until_stopped=None) -> tuple[list, Scripted]:
    executors = executors or Scripted()
    engine = GraphEngine(
        parse_graph(raw), executors, RUN, VariablePool(), FixedClock(), SequentialIds(), limits, until_stopped
    )
    return [e async for e in engine.run(inputs or {})], executors


def finished(events) -> RunFinished:
    return events[-1]


def statuses(events) -> dict[str, str]:
    return {e.node.id: e.status for e in events if isinstance(e, ev.NodeFinished) and e.scope is None}


async def test_fan_out_runs_branches_in_parallel_and_the_join_waits_for_both():
    raw = graph(
        {
            "s": {"type": "start"},
            "a": {"type": "slow", "seconds": 0.05},
            "b": {"type": "slow", "seconds": 0.05},
            "j": {"type": "value"},
            "e": {"type": "end", "outputs": [{"variable": "out", "value_selector": ["j", "value"]}]},
        },
        [("s", "a"), ("s", "b"), ("a", "j"), ("b", "j"), ("j", "e")],
    )
    events, scripted = await run(raw)
    assert finished(events).status == "succeeded" and finished(events).outputs == {"out": "j"}
    assert scripted.order.index("j") > max(scripted.order.index("a"), scripted.order.index("b"))
    assert scripted.calls["j"] == 1 and finished(events).total_steps == 5
    kinds = [(type(e).__name__, e.node.id) for e in events if isinstance(e, (ev.NodeStarted, ev.NodeFinished))]
    # both branches start before either finishes: they run concurrently
    assert kinds.index(("NodeStarted", "b")) < kinds.index(("NodeFinished", "a"))


async def test_a_branch_skips_the_other_side_and_a_join_after_it_still_runs():
    raw = graph(
        {
            "s": {"type": "start"},
            "if": {"type": "branch", "handle": "true"},
            "yes": {"type": "value"},
            "no": {"type": "value"},
            "no2": {"type": "value"},
            "join": {"type": "value"},
        },
        [("s", "if"), ("if", "yes", "true"), ("if", "no", "false"), ("no", "no2"), ("yes", "join"), ("no2", "join")],
    )
    events, scripted = await run(raw)
    assert finished(events).status == "succeeded"
    # the start node is run by the engine itself, so executors see only the taken side and the join
    assert scripted.calls == {"if": 1, "yes": 1, "join": 1}


async def test_an_unhandled_failure_fails_the_run_with_the_nodes_message():
    raw = graph(
        {"s": {"type": "start"}, "f": {"type": "fail"}, "after": {"type": "value"}}, [("s", "f"), ("f", "after")]
    )
    events, scripted = await run(raw)
    assert (finished(events).status, finished(events).error) == ("failed", "f broke")
    assert statuses(events)["f"] == "failed" and "after" not in scripted.calls


async def test_fail_branch_routes_the_failure_and_the_run_is_partial_succeeded():
    raw = graph(
        {
            "s": {"type": "start"},
            "f": {"type": "fail", "error_strategy": "fail-branch"},
            "ok": {"type": "value"},
            "rescue": {"type": "value"},
        },
        [("s", "f"), ("f", "ok", "source"), ("f", "rescue", "fail-branch")],
    )
    events, scripted = await run(raw)
    assert finished(events).status == "partial-succeeded" and finished(events).exceptions_count == 1
    assert statuses(events)["f"] == "exception" and "rescue" in scripted.calls and "ok" not in scripted.calls


async def test_default_values_stand_in_for_a_failed_node():
    raw = graph(
        {
            "s": {"type": "start"},
            "f": {
                "type": "fail",
                "error_strategy": "default-value",
                "default_value": [{"key": "text", "type": "string", "value": "fallback"}],
            },
            "e": {"type": "end", "outputs": [{"variable": "out", "value_selector": ["f", "text"]}]},
        },
        [("s", "f"), ("f", "e")],
    )
    events, _ = await run(raw)
    assert finished(events).outputs == {"out": "fallback"} and finished(events).status == "partial-succeeded"


async def test_retries_run_again_and_report_each_retry():
    raw = graph(
        {
            "s": {"type": "start"},
            "f": {
                "type": "fail",
                "fail_times": 2,
                "retry_config": {"retry_enabled": True, "max_retries": 3, "retry_interval": 1},
            },
        },
        [("s", "f")],
    )
    events, scripted = await run(raw)
    assert scripted.calls["f"] == 3 and finished(events).status == "succeeded"
    assert [e.attempt for e in events if isinstance(e, ev.NodeRetried)] == [1, 2]


def _iteration(parallel: bool, mode: str, fail_on: int | None = None) -> dict:
    nodes = {
        "s": {"type": "start"},
        "it": {
            "type": "iteration",
            "iterator_selector": ["s", "items"],
            "output_selector": ["d", "value"],
            "is_parallel": parallel,
            "parallel_nums": 3,
            "error_handle_mode": mode,
            "start_node_id": "it-start",
        },
        "it-start": {"type": "iteration-start", "parent": "it"},
        "d": {"type": "double", "of": "it", "parent": "it"},
        "e": {"type": "end", "outputs": [{"variable": "out", "value_selector": ["it", "output"]}]},
    }
    edges = [("s", "it"), ("it", "e"), ("it-start", "d")]
    return graph(nodes, edges)


@pytest.mark.parametrize("parallel", [False, True])
async def test_iteration_maps_items_in_order_sequentially_or_in_parallel(parallel):
    events, _ = await run(_iteration(parallel, "terminated"), inputs={"items": [1, 2, 3, 4]})
    assert finished(events).outputs == {"out": [2, 4, 6, 8]}
    nexts = [e.index for e in events if isinstance(e, ev.ContainerNext)]
    assert sorted(nexts) == [0, 1, 2, 3]
    inner = [e for e in events if isinstance(e, ev.NodeFinished) and e.scope is not None and e.node.id == "d"]
    assert sorted(e.scope.index for e in inner) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("mode", "expected"), [("continue-on-error", [2, None, 6]), ("remove-abnormal-output", [2, 6])]
)
async def test_iteration_error_modes(mode, expected):
    events, _ = await run(_iteration(False, mode), inputs={"items": [1, "x", 3]})
    assert (finished(events).status, finished(events).outputs) == ("succeeded", {"out": expected})


async def test_iteration_terminates_on_the_first_failure_by_default():
    events, _ = await run(_iteration(True, "terminated"), inputs={"items": [1, "x", 3]})
    assert (finished(events).status, finished(events).error) == ("failed", "not a number")


async def test_loop_runs_until_its_break_condition():
    nodes = {
        "s": {"type": "start"},
        "lp": {
            "type": "loop",
            "loop_count": 10,
            "start_node_id": "lp-start",
            "logical_operator": "and",
            "loop_variables": [{"label": "n", "var_type": "number", "value_type": "constant", "value": 0}],
            "break_conditions": [{"variable_selector": ["lp", "n"], "comparison_operator": "≥", "value": "3"}],
        },
        "lp-start": {"type": "loop-start", "parent": "lp"},
        "inc": {"type": "increment", "loop": "lp", "parent": "lp"},
        "e": {"type": "end", "outputs": [{"variable": "n", "value_selector": ["lp", "n"]}]},
    }
    events, scripted = await run(graph(nodes, [("s", "lp"), ("lp", "e"), ("lp-start", "inc")]))
    assert finished(events).outputs == {"n": 3} and scripted.calls["inc"] == 3


async def test_the_step_limit_fails_the_run():
    chain = {f"n{i}": {"type": "value"} for i in range(10)}
    raw = graph({"s": {"type": "start"}, **chain}, [("s", "n0")] + [(f"n{i}", f"n{i + 1}") for i in range(9)])
    events, _ = await run(raw, limits=Limits(max_steps=5))
    assert (finished(events).status, finished(events).error) == ("failed", "Max steps 5 reached.")


async def test_the_time_limit_fails_the_run():
    raw = graph({"s": {"type": "start"}, "slow": {"type": "slow", "seconds": 5}}, [("s", "slow")])
    events, _ = await run(raw, limits=Limits(max_seconds=0.1))
    assert finished(events).status == "failed" and "Max execution time" in finished(events).error


async def test_a_stop_ends_the_run_as_stopped():
    flag = asyncio.Event()
    raw = graph(
        {"s": {"type": "start"}, "slow": {"type": "slow", "seconds": 5}, "after": {"type": "value"}},
        [("s", "slow"), ("slow", "after")],
    )

    asyncio.get_running_loop().call_later(0.05, flag.set)
    events, scripted = await run(raw, until_stopped=flag.wait)
    assert finished(events).status == "stopped" and "after" not in scripted.calls
    # The node the stop interrupted ends too, `stopped`, before the run does (its row never stays running).
    (slow,) = [e for e in events if isinstance(e, ev.NodeFinished) and e.node.id == "slow"]
    assert slow.status == "stopped" and events.index(slow) < events.index(finished(events))


def test_graph_problems_are_all_reported():
    raw = graph({"s": {"type": "start"}, "s2": {"type": "start"}, "lonely": {"type": "value"}}, [])
    raw["edges"].append({"source": "s", "target": "ghost"})
    with pytest.raises(InvalidGraph) as raised:
        parse_graph(raw)
    assert len(raised.value.problems) == 2


async def test_the_start_node_outputs_its_inputs_and_the_system_variables_under_sys_names():
    # DSL files from Dify 0.6 select a system variable through the start node: ["<start id>", "sys.query"].
    raw = graph(
        {
            "s": {"type": "start"},
            "e": {"type": "end", "outputs": [
                {"variable": "q", "value_selector": ["s", "sys.query"]},
                {"variable": "city", "value_selector": ["s", "city"]},
            ]},
        },
        [("s", "e")],
    )
    executors = Scripted()
    pool = VariablePool(system={"query": "weather?", "user_id": "u"})
    engine = GraphEngine(parse_graph(raw), executors, RUN, pool, FixedClock(), SequentialIds(), Limits())
    events = [e async for e in engine.run({"city": "Oslo"})]
    assert finished(events).outputs == {"q": "weather?", "city": "Oslo"}
    start = next(e for e in events if isinstance(e, ev.NodeFinished) and e.node.id == "s")
    assert start.outputs == {"city": "Oslo", "sys.query": "weather?", "sys.user_id": "u"}
