"""code and template-transform executors with fake runner and renderer; Dify's output checks."""

import pytest

from application.workflows.nodes.code import CodeExecutor
from application.workflows.nodes.template_transform import TemplateTransformExecutor
from domain.workflows.code_outputs import OutputInvalid, check_outputs
from domain.workflows.nodes import NodeFailed
from domain.workflows.sandbox import CodeExecutionFailed
from domain.workflows.variables import VariablePool
from tests.workflow_node_helpers import context, node


class FakeCodeRunner:
    def __init__(self, result=None, error=None):
        self.result, self.error, self.calls = result, error, []

    def languages(self):
        return frozenset({"python3"})

    async def run(self, language, code, inputs):
        self.calls.append((language, code, dict(inputs)))
        if self.error:
            raise CodeExecutionFailed(self.error)
        return self.result


class FakeRenderer:
    def __init__(self, output):
        self.output, self.calls = output, []

    async def render(self, template, variables):
        self.calls.append((template, dict(variables)))
        return self.output


def pool():
    p = VariablePool(environment={"SECRET": "s3cr3t"})
    p.add_outputs("start", {"a": 1, "b": "two"})
    return p


CODE_NODE = {
    "code_language": "python3",
    "code": "def main(x, y): ...",
    "variables": [
        {"variable": "x", "value_selector": ["start", "a"]},
        {"variable": "y", "value_selector": ["start", "b"]},
    ],
    "outputs": {"sum": {"type": "number"}, "tags": {"type": "array[string]"}},
}


async def test_the_runner_gets_only_the_declared_inputs():
    runner = FakeCodeRunner({"sum": 3, "tags": ["a"]})
    result = await CodeExecutor(runner).run(node("code", **CODE_NODE), context(pool()))
    assert runner.calls == [("python3", "def main(x, y): ...", {"x": 1, "y": "two"})]
    assert result.outputs == {"sum": 3, "tags": ["a"]}
    assert result.inputs == {"x": 1, "y": "two"}


async def test_a_failing_run_or_a_wrong_type_fails_the_node():
    with pytest.raises(NodeFailed, match="boom"):
        await CodeExecutor(FakeCodeRunner(error="boom")).run(node("code", **CODE_NODE), context(pool()))
    with pytest.raises(NodeFailed, match="Output variable `sum` must be a number"):
        await CodeExecutor(FakeCodeRunner({"sum": "3", "tags": []})).run(node("code", **CODE_NODE), context(pool()))
    with pytest.raises(NodeFailed, match="Unsupported code language: ruby"):
        await CodeExecutor(FakeCodeRunner({})).run(
            node("code", **CODE_NODE | {"code_language": "ruby"}), context(pool())
        )


@pytest.mark.parametrize(
    ("result", "schema", "message"),
    [
        ({"x": 1}, {"x": {"type": "string"}}, "Output variable `x` must be a string"),
        ({"x": True}, {"x": {"type": "number"}}, "must be a number"),
        ({"x": 2**64}, {"x": {"type": "number"}}, "is out of range"),
        ({"x": "a" * 400_001}, {"x": {"type": "string"}}, "must be less than 400000 characters"),
        ({"x": 1}, {"x": {"type": "boolean"}}, "must be a boolean"),
        ({"x": [1] * 31}, {"x": {"type": "array[string]"}}, "must be less than 30 elements"),
        ({"x": [{}, 1]}, {"x": {"type": "array[object]"}}, r"Output x\[1\] is not an object"),
        ({}, {"x": {"type": "string"}}, "Output x is missing."),
        ({"x": "a", "y": 1}, {"x": {"type": "string"}}, "Not all output parameters are validated."),
        ({"x": {"a": {"b": {"c": {"d": {"e": {}}}}}}}, None, "Depth limit 5 reached"),
    ],
)
def test_output_checks_follow_dify(result, schema, message):
    with pytest.raises(OutputInvalid, match=message):
        check_outputs(result, schema)


def test_valid_outputs_pass_and_null_bytes_are_dropped():
    schema = {
        "s": {"type": "string"},
        "o": {"type": "object", "children": {"n": {"type": "number"}}},
        "flags": {"type": "array[boolean]"},
        "none": {"type": "string"},
    }
    assert check_outputs({"s": "a\x00b", "o": {"n": 1.5}, "flags": [True], "none": None}, schema) == {
        "s": "ab",
        "o": {"n": 1.5},
        "flags": [True],
        "none": None,
    }


async def test_template_transform_renders_declared_variables():
    renderer = FakeRenderer("out")
    data = {"template": "{{ a }}", "variables": [{"variable": "a", "value_selector": ["start", "a"]}]}
    result = await TemplateTransformExecutor(renderer).run(node("template-transform", **data), context(pool()))
    assert result.outputs == {"output": "out"}
    assert renderer.calls == [("{{ a }}", {"a": 1})]


async def test_template_transform_refuses_an_output_over_the_limit():
    executor = TemplateTransformExecutor(FakeRenderer("x" * 11), max_length=10)
    with pytest.raises(NodeFailed, match="Output length exceeds 10 characters"):
        await executor.run(node("template-transform", template="t"), context(pool()))
