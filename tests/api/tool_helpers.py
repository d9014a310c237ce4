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
