"""assigner v2 (and v1): the new values come back as variable_updates; Dify's type rules refuse the rest."""

import pytest

from application.workflows.nodes.assigner import AssignerExecutor
from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool
from tests.workflow_node_helpers import context, node

CONVERSATION = {"count": 2, "tags": ["a"], "name": "x", "profile": {"k": 1}, "nums": [1, 2, 3]}


def item(name, operation, value=None, input_type="constant"):
    return {
        "variable_selector": ["conversation", name],
        "operation": operation,
        "input_type": input_type,
        "value": value,
    }


async def run(*items, pool=None):
    pool = pool or VariablePool(conversation=CONVERSATION)
    return await AssignerExecutor().run(node("assigner", version="2", items=list(items)), context(pool))


@pytest.mark.parametrize(
    ("it", "expected"),
    [
        (item("count", "+=", 3), 5),
        (item("count", "-=", 1), 1),
        (item("count", "*=", 4), 8),
        (item("count", "/=", 4), 0.5),
        (item("count", "clear"), 0),
        (item("name", "over-write", "y"), "y"),
        (item("name", "clear"), ""),
        (item("tags", "remove-first"), []),
        (item("nums", "remove-last"), [1, 2]),
        (item("nums", "remove-first"), [2, 3]),
        (item("profile", "set", '{"a": 2}'), {"a": 2}),
        (item("tags", "clear"), []),
    ],
)
async def test_each_operation_computes_the_new_value(it, expected):
    result = await run(it)
    assert result.variable_updates == ((tuple(it["variable_selector"]), expected),)


async def test_append_and_extend_take_values_from_variables_and_items_see_earlier_writes():
    pool = VariablePool(conversation=CONVERSATION)
    pool.add_outputs("llm", {"text": "b", "more": ["c", "d"]})
    result = await run(
        item("tags", "append", ["llm", "text"], "variable"),
        item("tags", "extend", ["llm", "more"], "variable"),
        pool=pool,
    )
    assert result.variable_updates == ((("conversation", "tags"), ["a", "b", "c", "d"]),)


@pytest.mark.parametrize(
    ("it", "message"),
    [
        (item("name", "+=", 1), "Operation \\+= is not supported for type string"),
        (item("count", "/=", 0), "Invalid input value 0"),
        (item("tags", "append", 3, "constant"), "Invalid input value 3"),
        (item("count", "+=", ["x", "y"], "variable"), "Input type variable is not supported"),
        (item("missing", "over-write", "v"), "not found"),
        (item("profile", "set", "not json"), "Invalid input value"),
    ],
)
async def test_dify_type_rules_refuse(it, message):
    with pytest.raises(NodeFailed, match=message):
        await run(it)


async def test_an_unset_variable_input_skips_the_item():
    result = await run(
        item("name", "over-write", ["nowhere", "x"], "variable") | {"value": ["llm", "none"]}, pool=_pool_with_none()
    )
    assert result.variable_updates == ()


def _pool_with_none():
    p = VariablePool(conversation=CONVERSATION)
    p.add_outputs("llm", {"none": None})
    return p


async def test_v1_write_mode_is_one_item():
    pool = VariablePool(conversation=CONVERSATION)
    pool.add_outputs("llm", {"text": "new"})
    data = {
        "assigned_variable_selector": ["conversation", "name"],
        "write_mode": "over-write",
        "input_variable_selector": ["llm", "text"],
    }
    result = await AssignerExecutor().run(node("assigner", **data), context(pool))
    assert result.variable_updates == ((("conversation", "name"), "new"),)
