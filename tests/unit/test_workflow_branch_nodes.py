"""if-else, variable-aggregator, list-operator: pure executors over a real variable pool."""

import pytest

from application.workflows.nodes.if_else import IfElseExecutor
from application.workflows.nodes.list_operator import ListOperatorExecutor
from application.workflows.nodes.variable_aggregator import VariableAggregatorExecutor
from domain.workflows.nodes import NodeFailed
from domain.workflows.variables import VariablePool
from tests.workflow_node_helpers import context, node


def pool(**outputs):
    p = VariablePool(system={"query": "hello"})
    for node_id, values in outputs.items():
        p.add_outputs(node_id, values)
    return p


def cond(selector, op, value=None):
    return {"variable_selector": selector, "comparison_operator": op, "value": value, "varType": "string"}


async def test_the_first_matching_case_picks_the_edge():
    data = {
        "cases": [
            {"case_id": "a", "logical_operator": "and", "conditions": [cond(["s", "n"], ">", "10")]},
            {
                "case_id": "b",
                "logical_operator": "or",
                "conditions": [cond(["s", "n"], "<", "1"), cond(["s", "t"], "contains", "ell")],
            },
            {"case_id": "c", "logical_operator": "and", "conditions": [cond(["s", "t"], "not empty")]},
        ]
    }
    result = await IfElseExecutor().run(node("if-else", **data), context(pool(s={"n": 5, "t": "hello"})))
    assert result.edge_handle == "b"
    assert result.outputs == {"result": True, "selected_case_id": "b"}


async def test_no_matching_case_takes_the_false_edge():
    data = {"cases": [{"case_id": "a", "logical_operator": "and", "conditions": [cond(["s", "n"], "=", "1")]}]}
    result = await IfElseExecutor().run(node("if-else", **data), context(pool(s={"n": 2})))
    assert result.edge_handle == "false"
    assert result.outputs == {"result": False, "selected_case_id": "false"}


async def test_legacy_conditions_are_one_case_named_true_and_values_are_rendered():
    data = {"logical_operator": "and", "conditions": [cond(["s", "t"], "is", "{{#sys.query#}}")]}
    result = await IfElseExecutor().run(node("if-else", **data), context(pool(s={"t": "hello"})))
    assert result.edge_handle == "true"


async def test_an_unknown_operator_fails_the_node():
    data = {"cases": [{"case_id": "a", "conditions": [cond(["s", "t"], "resembles", "x")]}]}
    with pytest.raises(NodeFailed, match="Unknown comparison operator"):
        await IfElseExecutor().run(node("if-else", **data), context(pool(s={"t": "x"})))


async def test_sub_variable_conditions_match_items_of_an_array_of_objects():
    files = [{"type": "image", "extension": ".png"}, {"type": "document", "extension": ".pdf"}]
    condition = cond(["s", "files"], "contains") | {
        "sub_variable_condition": {
            "logical_operator": "and",
            "conditions": [{"key": "extension", "comparison_operator": "is", "value": ".pdf"}],
        }
    }
    data = {"cases": [{"case_id": "pdf", "logical_operator": "and", "conditions": [condition]}]}
    result = await IfElseExecutor().run(node("if-else", **data), context(pool(s={"files": files})))
    assert result.edge_handle == "pdf"


async def test_aggregator_takes_the_first_branch_that_ran():
    data = {"variables": [["skipped", "text"], ["ran", "text"]]}
    result = await VariableAggregatorExecutor().run(
        node("variable-aggregator", **data), context(pool(ran={"text": "B"}))
    )
    assert result.outputs == {"output": "B"}


async def test_aggregator_groups_give_one_output_each():
    data = {
        "advanced_settings": {
            "group_enabled": True,
            "groups": [
                {"group_name": "g1", "variables": [["a", "x"], ["b", "x"]]},
                {"group_name": "g2", "variables": [["c", "x"]]},
            ],
        }
    }
    result = await VariableAggregatorExecutor().run(node("variable-aggregator", **data), context(pool(b={"x": 2})))
    assert result.outputs == {"g1": {"output": 2}, "g2": {"output": None}}


async def test_list_operator_filters_extracts_orders_and_limits():
    data = {
        "variable": ["s", "nums"],
        "filter_by": {"enabled": True, "conditions": [{"comparison_operator": ">", "value": "2"}]},
        "order_by": {"enabled": True, "value": "desc"},
        "limit": {"enabled": True, "size": 2},
    }
    result = await ListOperatorExecutor().run(node("list-operator", **data), context(pool(s={"nums": [5, 1, 3, 9, 2]})))
    assert result.outputs == {"result": [9, 5], "first_record": 9, "last_record": 5}


async def test_list_operator_filters_objects_by_key_and_extracts_by_serial():
    items = [{"name": "a.pdf", "size": 3}, {"name": "b.png", "size": 1}, {"name": "c.pdf", "size": 2}]
    data = {
        "variable": ["s", "files"],
        "filter_by": {
            "enabled": True,
            "conditions": [{"key": "name", "comparison_operator": "end with", "value": ".pdf"}],
        },
        "extract_by": {"enabled": True, "serial": "2"},
    }
    result = await ListOperatorExecutor().run(node("list-operator", **data), context(pool(s={"files": items})))
    assert result.outputs["result"] == [{"name": "c.pdf", "size": 2}]


async def test_list_operator_on_an_empty_list_and_on_a_missing_one():
    empty = await ListOperatorExecutor().run(node("list-operator", variable=["s", "l"]), context(pool(s={"l": []})))
    assert empty.outputs == {"result": [], "first_record": None, "last_record": None}
    with pytest.raises(NodeFailed, match="Variable not found"):
        await ListOperatorExecutor().run(node("list-operator", variable=["s", "nope"]), context(pool(s={})))


async def test_file_conditions_name_a_files_name_and_url_as_dify_does():
    files = [
        {"dify_model_identity": "__dify__file__", "type": "document", "filename": "terms.md", "remote_url": None,
         "url": "/files/1/file-preview", "transfer_method": "local_file"},
        {"dify_model_identity": "__dify__file__", "type": "image", "filename": "cat.png",
         "remote_url": "https://x/cat.png", "url": "https://x/cat.png", "transfer_method": "remote_url"},
    ]
    by_name = cond(["s", "files"], "contains") | {"sub_variable_condition": {"logical_operator": "and", "conditions": [
        {"key": "name", "comparison_operator": "start with", "value": "cat"},
        {"key": "url", "comparison_operator": "contains", "value": "https://"},
    ]}}
    data = {"cases": [{"case_id": "cat", "logical_operator": "and", "conditions": [by_name]}]}
    result = await IfElseExecutor().run(node("if-else", **data), context(pool(s={"files": files})))
    assert result.edge_handle == "cat"
