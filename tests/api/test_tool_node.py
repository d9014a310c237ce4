"""The tool node over real HTTP: builtins named by plugin id or bare name, outputs as Dify's, errors handled
by the node's error strategy."""

from tests.api.tool_helpers import fixture, import_app, run_blocking


async def test_builtin_tools_named_by_plugin_id_or_bare_name_run_and_output_text(console):
    imported = await import_app(console, fixture("builtin_time.yml"))
    run = await run_blocking(console, imported["app_id"], {"when": "2024-01-01 12:00:00"})
    assert run["status"] == "succeeded", run
    assert run["outputs"] == {"tokyo": "2024-01-01 21:00:00", "stamp": "1704110400", "files": []}


def _with_tool(tool: dict, **node) -> dict:
    document = fixture("builtin_time.yml")
    graph = document["workflow"]["graph"]
    graph["nodes"][1]["data"].update(tool, **node)
    return document


async def test_an_unknown_tool_fails_the_run_with_its_name(console):
    imported = await import_app(console, _with_tool({"tool_name": "no_such_tool"}))
    run = await run_blocking(console, imported["app_id"], {"when": "2024-01-01 12:00:00"})
    assert run["status"] == "failed" and "no_such_tool" in run["error"]


async def test_a_failing_tool_with_a_default_value_strategy_lets_the_run_go_on(console):
    document = _with_tool(
        {"tool_parameters": {"current_time": {"type": "constant", "value": "not a time"}}},
        error_strategy="default-value",
        default_value=[{"key": "text", "type": "string", "value": "unknown"}],
    )
    imported = await import_app(console, document)
    run = await run_blocking(console, imported["app_id"], {"when": "2024-01-01 12:00:00"})
    assert run["status"] in ("succeeded", "partial-succeeded"), run
    assert run["outputs"]["tokyo"] == "unknown"


async def test_a_parameter_of_the_wrong_type_fails_the_node_naming_it(console):
    document = fixture("builtin_time.yml")
    document["workflow"]["graph"]["nodes"][1]["data"].update(
        tool_name="timestamp_to_localtime", tool_parameters={"timestamp": {"type": "constant", "value": "soon"}}
    )
    imported = await import_app(console, document)
    run = await run_blocking(console, imported["app_id"], {"when": "x"})
    assert run["status"] == "failed" and "timestamp" in run["error"] and "number" in run["error"]


async def test_each_tool_call_shows_in_the_metrics(console):
    imported = await import_app(console, fixture("builtin_time.yml"))
    await run_blocking(console, imported["app_id"], {"when": "2024-01-01 12:00:00"})
    text = await (await console.client.get("/metrics")).get_data(as_text=True)
    calls = [line for line in text.splitlines() if line.startswith("dify_tool_invocations_total{")]
    converted = [line for line in calls if 'tool="timezone_conversion"' in line and 'status="succeeded"' in line]
    assert converted and float(converted[0].rsplit(" ", 1)[1]) >= 1
    assert any(
        line.startswith("dify_tool_duration_seconds_count{") or line.startswith("dify_tool_duration_count{")
        for line in text.splitlines()
    )
