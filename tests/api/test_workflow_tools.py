"""A published workflow offered as a tool: created in the console, called from another workflow's tool node,
and refused when workflows call themselves deeper than the limit."""

import pytest

from tests.api.tool_helpers import fixture, import_app, run_blocking

WS = "/console/api/workspaces/current"


async def _offer(console, app_id: str, name: str = "greeter") -> dict:
    response = await console.client.post(
        f"{WS}/tool-provider/workflow/create",
        headers=console.headers,
        json={
            "workflow_app_id": app_id,
            "name": name,
            "label": "Greeter",
            "description": "Greets someone",
            "icon": {"content": "👋", "background": "#fff"},
            "parameters": [
                {"name": "name", "description": "Who to greet", "form": "llm"},
                {"name": "times", "description": "How often", "form": "form"},
            ],
            "labels": [],
        },
    )
    assert response.status_code == 200, await response.get_json()
    got = await console.client.get(f"{WS}/tool-provider/workflow/get?workflow_app_id={app_id}", headers=console.headers)
    return await got.get_json()


async def test_a_published_workflow_runs_as_a_tool_of_another_workflow(console):
    inner = await import_app(console, fixture("inner_workflow.yml"))
    tool = await _offer(console, inner["app_id"])
    assert tool["synced"] and tool["name"] == "greeter"
    params = {p["name"]: p for p in tool["tool"]["parameters"]}
    assert params["name"]["required"] and params["name"]["form"] == "llm" and params["times"]["type"] == "number"
    [listed] = await (await console.client.get(f"{WS}/tools/workflow", headers=console.headers)).get_json()
    assert listed["id"] == tool["workflow_tool_id"] and listed["type"] == "workflow"

    document = fixture("calls_workflow_tool.yml")
    document["workflow"]["graph"]["nodes"][1]["data"]["provider_id"] = tool["workflow_tool_id"]
    caller = await import_app(console, document)
    run = await run_blocking(console, caller["app_id"], {"who": "Ada"})
    assert run["status"] == "succeeded", run
    assert run["outputs"]["json"] == [{"greeting": "Hello Ada x2"}]
    assert '"greeting": "Hello Ada x2"' in run["outputs"]["text"]


async def test_a_missing_required_parameter_fails_the_node_before_the_workflow_runs(console):
    inner = await import_app(console, fixture("inner_workflow.yml"))
    tool = await _offer(console, inner["app_id"])
    document = fixture("calls_workflow_tool.yml")
    data = document["workflow"]["graph"]["nodes"][1]["data"]
    data["provider_id"] = tool["workflow_tool_id"]
    data["tool_parameters"] = {"times": {"type": "constant", "value": 1}}
    run = await run_blocking(console, (await import_app(console, document))["app_id"], {"who": "Ada"})
    assert run["status"] == "failed" and "name" in run["error"]


@pytest.mark.parametrize("settings", [{"WORKFLOW_CALL_MAX_DEPTH": 2}], indirect=True)
async def test_a_workflow_calling_itself_stops_at_the_depth_limit(console):
    # The caller offers itself as a tool: each run calls one level deeper until the limit refuses.
    document = fixture("calls_workflow_tool.yml")
    caller = await import_app(console, document)
    tool = await _offer(console, caller["app_id"], name="looper")
    document["workflow"]["graph"]["nodes"][1]["data"].update(
        provider_id=tool["workflow_tool_id"],
        tool_name="looper",
        tool_parameters={"who": {"type": "mixed", "value": "{{#start.who#}}"}},
    )
    draft = await console.client.post(
        f"/console/api/apps/{caller['app_id']}/workflows/draft",
        headers=console.headers,
        json={"graph": document["workflow"]["graph"], "features": {}},
    )
    assert draft.status_code == 200, await draft.get_json()
    published = await console.client.post(
        f"/console/api/apps/{caller['app_id']}/workflows/publish", headers=console.headers, json={}
    )
    assert published.status_code in (200, 201), await published.get_json()
    run = await run_blocking(console, caller["app_id"], {"who": "Ada"})
    assert run["status"] == "failed" and "deeper than 2" in run["error"], run


async def test_an_app_that_is_not_a_published_workflow_cannot_be_a_tool(console):
    chat = await console.create_app("Chatty", "chat")
    response = await console.client.post(
        f"{WS}/tool-provider/workflow/create",
        headers=console.headers,
        json={"workflow_app_id": chat["id"], "name": "chatty", "label": "Chatty", "icon": {}, "parameters": []},
    )
    assert response.status_code == 400 and (await response.get_json())["code"] == "invalid_param"
    assert await (await console.client.get(f"{WS}/tools/workflow", headers=console.headers)).get_json() == []


BAD_BODIES = [
    {"name": "x", "label": "X", "parameters": 5},
    {"name": "x", "label": "X", "labels": 3},
    {"name": "bad name!", "label": "X"},
    {"name": "x", "label": ""},
    {"name": "x", "label": "X", "icon": "🙂"},
    {"name": "x", "label": "X", "workflow_app_id": "not-an-id"},
    {"name": "x", "label": "X", "parameters": [{"name": "name", "form": "sometimes"}]},
]


async def test_bad_workflow_tool_bodies_are_refused_in_difys_shape(console):
    inner = await import_app(console, fixture("inner_workflow.yml"))
    for body in BAD_BODIES:
        response = await console.client.post(
            f"{WS}/tool-provider/workflow/create",
            headers=console.headers,
            json={"workflow_app_id": inner["app_id"], **body},
        )
        payload = await response.get_json()
        assert response.status_code == 400 and payload["code"] == "invalid_param" and payload["status"] == 400, body
    assert await (await console.client.get(f"{WS}/tools/workflow", headers=console.headers)).get_json() == []
