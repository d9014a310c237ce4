"""The pure rules agents are built on: what the model is offered of a tool, what agent_mode accepts, what a
tool's messages read as."""

import pytest

from domain.agents.observations import MAX_OBSERVATION_CHARS, observation_text
from domain.agents.tool_schema import tool_definition
from domain.apps.agent_mode import parse_agent_mode
from domain.shared.errors import InvalidParam
from domain.tools.entities import (
    ParameterForm,
    ParameterOption,
    ParameterType,
    ProviderType,
    Tool,
    ToolMessage,
    ToolParameter,
)

TOOL = Tool(
    "convert",
    "Convert",
    "Converts",
    (
        ToolParameter("amount", ParameterType.NUMBER, required=True, llm_description="how much"),
        ToolParameter("unit", ParameterType.SELECT, options=(ParameterOption("kg"), ParameterOption("lb"))),
        ToolParameter("api_region", ParameterType.STRING, form=ParameterForm.FORM),
        ToolParameter("note", ParameterType.STRING),
    ),
)


def test_the_model_is_offered_llm_parameters_the_author_did_not_fix():
    definition = tool_definition(TOOL, preset={"note": "fixed"})
    assert definition.parameters == {
        "type": "object",
        "properties": {
            "amount": {"type": "number", "description": "how much"},
            "unit": {"type": "string", "enum": ["kg", "lb"]},
        },
        "required": ["amount"],
    }
    assert tool_definition(TOOL, description="mine").description == "mine"


def test_agent_mode_reads_difys_body():
    mode = parse_agent_mode(
        {
            "enabled": True,
            "strategy": "react",
            "max_iteration": "3",
            "tools": [
                {
                    "provider_type": "api",
                    "provider_id": "abc",
                    "tool_name": "getPet",
                    "tool_parameters": {"x": 1, "y": ""},
                },
                {"provider_id": "time", "tool_name": "current_time", "enabled": False},
                {"dataset": {"id": "d1", "enabled": True}},
            ],
        }
    )
    assert mode.enabled and mode.max_iteration == 3 and mode.loop_strategy.value == "react"
    [spec] = mode.tool_specs()
    assert (spec.provider_type, spec.provider_id, spec.tool_name, dict(spec.preset)) == (
        ProviderType.API,
        "abc",
        "getPet",
        {"x": 1},
    )
    assert parse_agent_mode(None) is None
    assert parse_agent_mode(mode.as_dict()) == mode


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"strategy": "psychic"},
        {"tools": {"a": 1}},
        {"tools": [{"tool_name": "x"}]},
        {"tools": [{"provider_id": "p", "tool_name": "x", "provider_type": "nope"}]},
        {"tools": [{"provider_id": "p", "tool_name": "x", "tool_parameters": ["x"]}]},
    ],
)
def test_a_malformed_agent_mode_names_agent_mode(bad):
    with pytest.raises(InvalidParam) as raised:
        parse_agent_mode(bad)
    assert raised.value.param == "agent_mode"


def test_observations_fold_messages_and_stay_bounded():
    text = observation_text(
        [
            ToolMessage.of_text("a"),
            ToolMessage.of_json({"b": 1}),
            ToolMessage.of_link("http://x"),
            ToolMessage.of_blob(b"1", "image/png", "c.png"),
        ]
    )
    assert text.splitlines() == [
        "a",
        '{"b": 1}',
        "Result link: http://x (tell the user to open it).",
        "The tool produced c.png; it has been sent to the user.",
    ]
    assert observation_text([]) == "The tool returned nothing."
    assert len(observation_text([ToolMessage.of_text("x" * (MAX_OBSERVATION_CHARS * 2))])) < MAX_OBSERVATION_CHARS + 20
