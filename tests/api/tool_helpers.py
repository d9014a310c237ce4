"""Importing a DSL (a file in tests/fixtures/dsl/tools or a dict) and running it once, blocking."""

from pathlib import Path

import yaml

from tests.api.helpers import Console, bearer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dsl" / "tools"


def fixture(name: str) -> dict:
    return yaml.safe_load((FIXTURES / name).read_text())


async def import_app(console: Console, document: dict) -> dict:
    response = await console.client.post(
        "/console/api/apps/imports",
        json={"mode": "yaml-content", "yaml_content": yaml.safe_dump(document), "publish": True},
        headers=console.headers,
    )
    imported = await response.get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    return imported


async def run_blocking(console: Console, app_id: str, inputs: dict) -> dict:
    key = await console.create_app_key(app_id)
    response = await console.client.post(
        "/v1/workflows/run", headers=bearer(key), json={"inputs": inputs, "response_mode": "blocking", "user": "alice"}
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    return body["data"]


def tool_node_app(provider: str, tool: str, parameters: dict, configurations: dict | None = None) -> dict:
    """A workflow of start → one builtin tool node → end, outputting the node's text, json and files; the
    parameters are `mixed` strings (references filled)."""
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t: {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": "source"}  # noqa: E731
    outputs = [{"variable": name, "value_selector": ["tool", name]} for name in ("text", "json", "files")]
    return {
        "app": {"name": f"{tool} app", "mode": "workflow"},
        "kind": "app",
        "version": "0.3.1",
        "workflow": {
            "features": {},
            "graph": {
                "nodes": [
                    node("start", {"type": "start", "title": "Start", "variables": []}),
                    node(
                        "tool",
                        {
                            "type": "tool",
                            "title": tool,
                            "provider_type": "builtin",
                            "provider_id": provider,
                            "provider_name": provider,
                            "tool_name": tool,
                            "tool_parameters": {k: {"type": "mixed", "value": v} for k, v in parameters.items()},
                            "tool_configurations": configurations or {},
                        },
                    ),
                    node("end", {"type": "end", "title": "End", "outputs": outputs}),
                ],
                "edges": [edge("start", "tool"), edge("tool", "end")],
            },
        },
    }
