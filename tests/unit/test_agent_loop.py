"""The agent loop over a scripted model and in-memory tools: rounds, parallel calls, ReAct text, limits."""

import json
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from application.agents.strategies import run_agent
from application.agents.task import AgentTask
from application.agents.toolbox import Toolbox, direct_invoke, prepare_tools
from domain.agents import react
from domain.agents.entities import AgentStrategy, AgentToolSpec, clamp_iterations
from domain.agents.events import AnswerText, ToolCallFinished
from domain.agents.strategies import builtin_strategy, foreign_strategy
from domain.models.entities import Role, ToolCall, Usage
from domain.tools.entities import ProviderType, ToolInvocation
from tests.agent_fakes import demo_providers
from tests.fakes import Script, ScriptedChatModel

TENANT = uuid4()
SPECS = [AgentToolSpec(ProviderType.BUILTIN, "demo", name) for name in ("get_weather", "add", "flaky")]


async def _run(model: ScriptedChatModel, strategy=AgentStrategy.FUNCTION_CALLING, iterations=5, specs=SPECS):
    providers = demo_providers()
    toolbox = Toolbox(await prepare_tools(providers, TENANT, specs), direct_invoke, ToolInvocation(TENANT, "u"))
    events = []

    async def emit(event):
        events.append(event)

    task = AgentTask(model, "m", strategy, "Be brief.", "Weather in Oslo plus 2+3?", iterations)
    return await run_agent(task, toolbox, emit), events, providers


def call(name: str, args: dict, call_id: str = "") -> ToolCall:
    return ToolCall(call_id or f"call-{name}", name, json.dumps(args))


async def test_parallel_calls_in_one_round_then_an_answer_with_usage_summed():
    model = ScriptedChatModel(
        Script(deltas=(), tool_calls=(call("get_weather", {"city": "Oslo"}), call("add", {"a": 2, "b": "3"}))),
        Script(deltas=("Sunny", ", and 5.")),
    )
    outcome, events, providers = await _run(model)
    assert outcome.answer == "Sunny, and 5."
    assert [len(r.calls) for r in outcome.rounds] == [2, 0]
    assert outcome.usage == Usage(22, 6, 28)
    assert providers.providers["demo"].calls == [("get_weather", {"city": "Oslo"}), ("add", {"a": 2, "b": 3})]
    second = model.requests[1].messages
    assert [m.role for m in second[-3:]] == [Role.ASSISTANT, Role.TOOL, Role.TOOL]
    assert json.loads(second[-1].content) == {"sum": 5}
    assert "".join(e.text for e in events if isinstance(e, AnswerText)) == "Sunny, and 5."
    assert {t.name for t in model.requests[0].tools} == {"get_weather", "add", "flaky"}


async def test_a_failing_tool_becomes_the_observation_and_the_agent_goes_on():
    model = ScriptedChatModel(Script(deltas=(), tool_calls=(call("flaky", {}),)), Script(deltas=("Sorry.",)))
    outcome, events, _ = await _run(model)
    record = outcome.rounds[0].calls[0]
    assert record.error == "upstream said 503" and "upstream said 503" in record.observation
    assert model.requests[1].messages[-1].content == record.observation
    assert outcome.answer == "Sorry."
    assert any(isinstance(e, ToolCallFinished) and e.record.error for e in events)


async def test_bad_arguments_and_unknown_tools_are_told_to_the_model():
    model = ScriptedChatModel(
        Script(
            deltas=(),
            tool_calls=(ToolCall("c1", "add", "{not json"), call("nope", {}), call("add", {"a": "x", "b": 1})),
        ),
        Script(deltas=("ok",)),
    )
    outcome, _, _ = await _run(model)
    bad_json, unknown, bad_type = outcome.rounds[0].calls
    assert "not a valid JSON object" in bad_json.observation
    assert "no tool named 'nope'" in unknown.observation
    assert "must be a number" in bad_type.observation


async def test_the_last_round_offers_no_tools_so_the_model_must_answer():
    looping = Script(deltas=("thinking",), tool_calls=(call("get_weather", {"city": "Oslo"}),))
    model = ScriptedChatModel(looping, looping, looping)
    outcome, _, providers = await _run(model, iterations=3)
    assert len(model.requests) == 3 and len(outcome.rounds) == 3
    assert [bool(r.tools) for r in model.requests] == [True, True, False]
    assert len(providers.providers["demo"].calls) == 2
    assert outcome.rounds[-1].final


def _react(thought: str, action: str, action_input) -> str:
    blob = json.dumps({"action": action, "action_input": action_input})
    return f"Thought: {thought}\nAction:\n```json\n{blob}\n```"


async def test_react_runs_the_named_tool_and_writes_the_observation_back():
    model = ScriptedChatModel(
        Script(deltas=(_react("need weather", "get_weather", {"city": "Oslo"}),)),
        Script(deltas=(_react("now I know", "Final Answer", "Sunny in Oslo."),)),
    )
    outcome, _, providers = await _run(model, strategy=AgentStrategy.REACT)
    assert outcome.answer == "Sunny in Oslo."
    assert providers.providers["demo"].calls == [("get_weather", {"city": "Oslo"})]
    assert outcome.rounds[0].thought == "need weather"
    assert model.requests[0].stop == ("Observation:",) and not model.requests[0].tools
    scratchpad = model.requests[1].messages[-1]
    assert scratchpad.role == Role.ASSISTANT and "Observation: Sunny in Oslo, 21°C" in scratchpad.content


async def test_react_without_a_final_answer_ends_at_the_limit_with_what_it_said():
    step = Script(deltas=(_react("again", "get_weather", {"city": "Oslo"}),))
    model = ScriptedChatModel(step, step, Script(deltas=("I could not finish.",)))
    outcome, _, _ = await _run(model, strategy=AgentStrategy.REACT, iterations=3)
    assert len(outcome.rounds) == 3 and outcome.answer == "I could not finish."
    assert "get_weather" not in model.requests[2].messages[0].content.split("available:")[-1]


def test_react_parsing_is_lenient():
    assert react.parse('Action: {"action": "add", "action_input": "{\\"a\\": 1}"}').action_input == {"a": 1}
    assert react.parse("Thought: x\nFinal Answer: done").answer == "done"
    assert react.parse("Plain words.").answer == "Plain words."
    step = react.parse('I will look.\n```\n{"action": "get_weather", "action_input": {"city": "Rome"}}\n```')
    assert (step.thought, step.action, step.action_input) == ("I will look.", "get_weather", {"city": "Rome"})


@given(st.text(), st.dictionaries(st.text(min_size=1), st.integers() | st.text()), st.sampled_from(["", "json"]))
def test_any_blob_round_trips_through_the_parser(thought, arguments, language):
    blob = json.dumps({"action": "tool_x", "action_input": arguments})
    step = react.parse(f"Thought: {thought.replace('`', '')}\nAction:\n```{language}\n{blob}\n```")
    assert step.action == "tool_x" and step.action_input == arguments


@given(st.text())
def test_the_parser_never_raises(text):
    step = react.parse(text)
    assert step.is_final or step.action


def test_strategy_names_fold_to_the_built_in_ones():
    assert builtin_strategy("ReAct") is AgentStrategy.REACT
    assert builtin_strategy("mcp_sse_ReAct") is AgentStrategy.REACT
    assert builtin_strategy("function_call") is AgentStrategy.FUNCTION_CALLING
    assert foreign_strategy("langgenius/agent/agent", "ReAct") is None
    assert "function_calling" in foreign_strategy("junjiem/mcp_sse_agent/mcp_sse_agent", "mcp_sse_function_calling")
    assert (clamp_iterations("3"), clamp_iterations(None), clamp_iterations(0), clamp_iterations(500)) == (3, 5, 1, 99)
