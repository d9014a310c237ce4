"""Pure MCP rules: an MCP inputSchema as tool parameters, an app's form as the tool it serves, Dify's masks."""

from hypothesis import given
from hypothesis import strategies as st

from domain.tools.entities import ParameterType
from domain.tools.mcp import masked_headers, masked_url
from domain.tools.mcp_schema import app_tool_schema, parameters_from_schema


def test_schema_properties_become_llm_parameters_with_difys_types():
    schema = {
        "type": "object",
        "required": ["city"],
        "properties": {
            "city": {"type": "string", "description": "Where"},
            "days": {"type": "integer", "minimum": 1, "maximum": 7, "default": 3},
            "ratio": {"type": ["number", "null"]},
            "unit": {"type": "string", "enum": ["c", "f"]},
            "flags": {"type": "object"},
            "tags": {"type": "array"},
            "fancy": {},
        },
    }
    parameters = {p.name: p for p in parameters_from_schema(schema)}
    assert parameters["city"].required and parameters["city"].llm_description == "Where"
    assert parameters["days"].type == ParameterType.NUMBER and (parameters["days"].min, parameters["days"].max) == (
        1,
        7,
    )
    assert parameters["days"].default == 3 and not parameters["days"].required
    assert parameters["ratio"].type == ParameterType.NUMBER
    assert parameters["unit"].type == ParameterType.SELECT and [o.value for o in parameters["unit"].options] == [
        "c",
        "f",
    ]
    assert parameters["flags"].type == ParameterType.OBJECT and parameters["tags"].type == ParameterType.ARRAY
    assert parameters["fancy"].type == ParameterType.STRING
    assert all(p.form == "llm" for p in parameters.values())


def test_a_schema_without_properties_has_no_parameters():
    assert parameters_from_schema({"type": "object"}) == ()
    assert parameters_from_schema({"type": "string", "properties": {"x": {}}}) == ()


def test_an_apps_tool_takes_its_text_select_and_number_inputs_and_query_for_chat():
    form = [
        {"text-input": {"variable": "name", "label": "Name", "required": True}},
        {"select": {"variable": "tone", "options": ["a", "b"]}},
        {"number": {"variable": "n"}},
        {"file": {"variable": "upload", "required": True}},
    ]
    workflow = app_tool_schema(False, form, {"name": "Who"})
    assert list(workflow["properties"]) == ["name", "tone", "n"] and workflow["required"] == ["name"]
    assert workflow["properties"]["name"]["description"] == "Who"
    assert workflow["properties"]["tone"] == {"type": "string", "enum": ["a", "b"], "description": ""}
    chat = app_tool_schema(True, form, {})
    assert next(iter(chat["properties"])) == "query" and chat["required"] == ["query", "name"]


def test_a_url_shows_its_host_and_hides_its_path():
    assert masked_url("https://mcp.example.com/v1/sse?key=secret") == "https://mcp.example.com/******"
    assert masked_url("http://127.0.0.1:8080") == "http://127.0.0.1:8080"


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=40)))
def test_masked_headers_keep_names_and_lengths_and_reveal_at_most_four_characters(headers):
    masked = masked_headers(headers)
    assert masked.keys() == headers.keys()
    for name, value in headers.items():
        assert len(masked[name]) == len(value)
        shown = sum(1 for a, b in zip(masked[name], value, strict=True) if a == b and a != "*")
        assert shown <= 4
        if len(value) <= 6:
            assert set(masked[name]) <= {"*"}
