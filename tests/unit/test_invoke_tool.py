"""InvokeTool, the one path every tool call takes: found, checked, timed, traced, errors mapped."""

import asyncio
from uuid import UUID, uuid4

import pytest

from application.tools.invoke_tool import InvokeTool, ToolCall
from application.tools.tool_providers import ComposedToolProviders
from domain.telemetry.spans import span_id_for, trace_id_for
from domain.tools.entities import (
    ParameterType,
    ProviderType,
    Tool,
    ToolInvocation,
    ToolMessage,
    ToolParameter,
    ToolProviderInfo,
)
from domain.tools.errors import ToolInvokeError, ToolNotFound, ToolParameterError, ToolProviderNotFound, ToolTimeout
from tests.fakes import FixedClock, RecordingExporter, RecordingSink, SequentialIds

ADD = Tool(
    "add",
    parameters=(
        ToolParameter("a", ParameterType.NUMBER, required=True),
        ToolParameter("b", ParameterType.NUMBER, default=1),
    ),
)


class Adder:
    def __init__(self, clock: FixedClock, failure: BaseException | None = None) -> None:
        self.calls: list[tuple[dict, ToolInvocation]] = []
        self._clock = clock
        self._failure = failure

    def info(self) -> ToolProviderInfo:
        return ToolProviderInfo(id="adder", type=ProviderType.BUILTIN, name="adder", tools=(ADD,))

    async def tools(self) -> list[Tool]:
        return [ADD]

    async def invoke(self, tool_name, parameters, invocation):
        self.calls.append((dict(parameters), invocation))
        self._clock.advance(seconds=0.25)
        if self._failure is not None:
            raise self._failure
        return [ToolMessage.of_text(str(parameters["a"] + parameters["b"]))]


class OneFinder:
    def __init__(self, provider, credentials=None) -> None:
        self._provider = provider
        self._credentials = credentials or {}

    async def find(self, tenant_id, provider_id):
        if provider_id != "adder":
            raise ToolProviderNotFound()
        return self._provider

    async def credentials(self, tenant_id, provider_id):
        return self._credentials

    async def listed(self, tenant_id):
        return [self._provider.info()]


def setup(failure=None, credentials=None):
    clock, sink, exporter = FixedClock(), RecordingSink(), RecordingExporter()
    provider = Adder(clock, failure)
    providers = ComposedToolProviders({"builtin": OneFinder(provider, credentials)})
    return InvokeTool(providers, sink, exporter, clock, SequentialIds()), provider, sink, exporter


def call(parameters, tool="add", kind=ProviderType.BUILTIN, **invocation):
    return ToolCall(kind, "adder", tool, parameters, ToolInvocation(tenant_id=UUID(int=7), user_id="u", **invocation))


async def test_a_call_is_checked_timed_and_leaves_a_span_and_metrics_under_the_run():
    invoke, provider, sink, exporter = setup(credentials={"key": "k"})
    run_id = uuid4()
    result = await invoke.execute(call({"a": "2"}, trace_id=run_id, parent_span=str(run_id)))
    assert [m.text for m in result.messages] == ["3"] and result.elapsed_seconds == 0.25
    [(parameters, invocation)] = provider.calls
    assert parameters == {"a": 2, "b": 1} and invocation.credentials == {"key": "k"}
    [span] = exporter.spans
    assert span.name == "dify.tool.invoke" and span.trace_id == trace_id_for(run_id)
    assert span.parent_span_id == span_id_for(str(run_id)) and span.error is None
    assert span.attributes["dify.tool.name"] == "add" and span.attributes["dify.tool.provider"] == "adder"
    [duration] = sink.named("dify.tool.duration")
    assert duration.value == 0.25 and duration.label_dict["tool"] == "add"
    [count] = sink.named("dify.tool.invocations.total")
    assert count.label_dict["status"] == "succeeded"


async def test_plugin_names_reach_the_builtins():
    invoke, *_ = setup()
    assert (await invoke.execute(call({"a": 1}, kind=ProviderType.PLUGIN))).messages[0].text == "2"


async def test_bad_parameters_and_unknown_tools_never_reach_the_provider_nor_telemetry():
    invoke, provider, sink, exporter = setup()
    with pytest.raises(ToolParameterError, match="a must be a number"):
        await invoke.execute(call({"a": "two"}))
    with pytest.raises(ToolParameterError, match="a is required"):
        await invoke.execute(call({}))
    with pytest.raises(ToolNotFound):
        await invoke.execute(call({"a": 1}, tool="subtract"))
    with pytest.raises(ToolProviderNotFound):
        await invoke.execute(
            ToolCall(ProviderType.MCP, "adder", "add", {"a": 1}, ToolInvocation(tenant_id=UUID(int=7), user_id="u"))
        )
    assert provider.calls == [] and sink.points == [] and exporter.spans == []


@pytest.mark.parametrize(
    ("failure", "raised", "message"),
    [
        (ToolInvokeError("upstream said no"), ToolInvokeError, "upstream said no"),
        (TimeoutError(), ToolTimeout, "did not answer in time"),
        (KeyError("boom"), ToolInvokeError, "add failed"),
    ],
)
async def test_failures_are_mapped_and_still_traced(failure, raised, message):
    invoke, _, sink, exporter = setup(failure)
    with pytest.raises(raised, match=message):
        await invoke.execute(call({"a": 1}))
    [span] = exporter.spans
    assert span.error and message.split()[0] in span.error
    assert sink.named("dify.tool.invocations.total")[0].label_dict["status"] == "failed"


async def test_cancellation_passes_through():
    invoke, *_ = setup(asyncio.CancelledError())
    with pytest.raises(asyncio.CancelledError):
        await invoke.execute(call({"a": 1}))


def test_a_tools_function_schema_has_its_llm_parameters_only():
    from domain.tools.entities import ParameterForm, ParameterOption
    from domain.tools.function_schema import parameters_schema

    tool = Tool(
        "t",
        parameters=(
            ToolParameter("q", required=True, llm_description="the query"),
            ToolParameter("n", ParameterType.NUMBER),
            ToolParameter("mode", ParameterType.SELECT, options=(ParameterOption("a"), ParameterOption("b"))),
            ToolParameter("key", ParameterType.SECRET_INPUT, form=ParameterForm.FORM, required=True),
        ),
    )
    assert parameters_schema(tool) == {
        "type": "object",
        "properties": {
            "q": {"type": "string", "description": "the query"},
            "n": {"type": "number"},
            "mode": {"type": "string", "enum": ["a", "b"]},
        },
        "required": ["q"],
    }


def test_a_workflow_tools_answer_carries_its_output_files():
    from domain.tools.entities import MessageType
    from domain.tools.workflow_tool import workflow_messages

    file = {"dify_model_identity": "__dify__file__", "related_id": "f1", "transfer_method": "tool_file"}
    messages = workflow_messages({"doc": [file], "n": 1})
    assert [m.type for m in messages] == [MessageType.TEXT, MessageType.JSON, MessageType.FILE]
    assert messages[1].json == {"doc": [file], "n": 1} and messages[2].file == file
