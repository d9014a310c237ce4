"""Custom (OpenAPI) tool providers over real HTTP: added in the console, listed, called from a tool node
against a loopback service, and refused with Dify's error shape when the schema does not parse."""

import json

import pytest
import yaml

from tests.api.tool_helpers import fixture, import_app, run_blocking
from tests.integration.openapi_stub_server import StubOpenApiService

WS = "/console/api/workspaces/current"
pytestmark = pytest.mark.parametrize("settings", [{"HTTP_REQUEST_ALLOWED_HOSTS": "127.0.0.1"}], indirect=True)


@pytest.fixture
async def service():
    server = StubOpenApiService()
    await server.start()
    yield server
    await server.stop()


def openapi(url: str) -> str:
    return yaml.safe_dump(
        {
            "openapi": "3.0.0",
            "info": {"title": "Pets", "description": "Pet store"},
            "servers": [{"url": url}],
            "paths": {
                "/pets/{pet_id}": {
                    "get": {
                        "operationId": "getPet",
                        "summary": "One pet",
                        "parameters": [
                            {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                            {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                        ],
                    }
                },
                "/pets": {
                    "post": {
                        "summary": "Add a pet",
                        "requestBody": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
                        },
                    }
                },
            },
            "components": {
                "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                    }
                }
            },
        }
    )


CREDENTIALS = {
    "auth_type": "api_key_header",
    "api_key_header": "X-Pet-Key",
    "api_key_value": "secret-key-123",
    "api_key_header_prefix": "bearer",
}


async def _add(console, schema: str, name: str = "pets", credentials=CREDENTIALS):
    return await console.client.post(
        f"{WS}/tool-provider/api/add",
        headers=console.headers,
        json={
            "provider": name,
            "schema": schema,
            "schema_type": "openapi",
            "credentials": credentials,
            "icon": {"content": "🐶", "background": "#fff"},
        },
    )


async def test_a_custom_provider_is_stored_listed_and_its_key_never_shown(console, service):
    response = await _add(console, openapi(service.url))
    assert response.status_code == 200 and await response.get_json() == {"result": "success"}
    [listed] = await (await console.client.get(f"{WS}/tools/api", headers=console.headers)).get_json()
    assert listed["name"] == "pets" and listed["type"] == "api" and listed["is_team_authorization"]
    assert sorted(t["name"] for t in listed["tools"]) == ["getPet", "post_pets"]
    got = await (
        await console.client.get(f"{WS}/tool-provider/api/get?provider=pets", headers=console.headers)
    ).get_json()
    assert got["credentials"]["api_key_value"] != "secret-key-123" and "*" in got["credentials"]["api_key_value"]
    assert got["schema_type"] == "openapi" and {t["operation_id"] for t in got["tools"]} == {"getPet", "post_pets"}
    again = await _add(console, openapi(service.url))
    assert again.status_code == 400 and (await again.get_json())["code"] == "invalid_param"


async def test_a_tool_node_calls_the_service_with_path_query_body_and_the_key(console, service):
    assert (await _add(console, openapi(service.url))).status_code == 200
    [provider] = await (await console.client.get(f"{WS}/tools/api", headers=console.headers)).get_json()
    document = fixture("api_pets.yml")
    document["workflow"]["graph"]["nodes"][1]["data"]["provider_id"] = provider["id"]
    imported = await import_app(console, document)
    run = await run_blocking(console, imported["app_id"], {"pet": 7})
    assert run["status"] == "succeeded", run
    assert run["outputs"]["got"] == [{"ok": True, "path": "/pets/7", "query": {"verbose": "true"}, "body": ""}]
    assert json.loads(run["outputs"]["added"])["body"] == {"name": "Rex #7", "age": 3}
    first, second = service.requests
    assert first["headers"]["x-pet-key"] == "Bearer secret-key-123"
    assert second["method"] == "POST" and second["headers"]["content-type"] == "application/json"


async def test_an_error_status_fails_the_node_with_the_status(console, service):
    assert (await _add(console, openapi(service.url), credentials={"auth_type": "none"})).status_code == 200
    service.status = 503
    document = {
        "app": {"name": "Pets", "mode": "workflow"},
        "kind": "app",
        "version": "0.3.1",
        "workflow": {
            "features": {},
            "graph": {
                "nodes": [
                    {"id": "start", "data": {"type": "start", "title": "Start", "variables": []}},
                    {
                        "id": "get",
                        "data": {
                            "type": "tool",
                            "title": "Get",
                            "provider_type": "api",
                            "provider_id": "pets",
                            "tool_name": "getPet",
                            "tool_parameters": {"pet_id": {"type": "constant", "value": 1}},
                        },
                    },
                    {"id": "end", "data": {"type": "end", "title": "End", "outputs": []}},
                ],
                "edges": [
                    {"id": "a", "source": "start", "target": "get"},
                    {"id": "b", "source": "get", "target": "end"},
                ],
            },
        },
    }
    run = await run_blocking(console, (await import_app(console, document))["app_id"], {})
    assert run["status"] == "failed" and "503" in run["error"]


async def test_a_schema_that_does_not_parse_is_refused_and_nothing_is_stored(console, service):
    for schema in ("{not: [valid", "openapi: 3.0.0\ninfo: {title: x}\npaths: {}\n", "[1, 2]"):
        response = await _add(console, schema)
        body = await response.get_json()
        assert response.status_code == 400 and body["code"] == "invalid_param" and body["status"] == 400, body
        parsed = await console.client.post(
            f"{WS}/tool-provider/api/schema", json={"schema": schema}, headers=console.headers
        )
        assert parsed.status_code == 400
    assert await (await console.client.get(f"{WS}/tools/api", headers=console.headers)).get_json() == []


async def test_a_swagger_2_json_schema_parses_and_test_pre_calls_it_with_a_query_key(console, service):
    host = service.url.removeprefix("http://")
    swagger = json.dumps(
        {
            "swagger": "2.0",
            "info": {"title": "S"},
            "host": host,
            "schemes": ["http"],
            "basePath": "/v2",
            "paths": {
                "/items": {
                    "get": {
                        "operationId": "listItems",
                        "parameters": [{"name": "limit", "in": "query", "type": "integer", "required": True}],
                    }
                }
            },
        }
    )
    parsed = await (
        await console.client.post(f"{WS}/tool-provider/api/schema", json={"schema": swagger}, headers=console.headers)
    ).get_json()
    assert parsed["schema_type"] == "swagger" and parsed["parameters_schema"][0]["operation_id"] == "listItems"
    tested = await (
        await console.client.post(
            f"{WS}/tool-provider/api/test/pre",
            headers=console.headers,
            json={
                "tool_name": "listItems",
                "provider_name": "",
                "schema_type": "swagger",
                "schema": swagger,
                "credentials": {"auth_type": "api_key_query", "api_key_query_param": "key", "api_key_value": "k1"},
                "parameters": {"limit": "5"},
            },
        )
    ).get_json()
    assert json.loads(tested["result"])["query"] == {"limit": "5", "key": "k1"}
    wrong = await console.client.post(
        f"{WS}/tool-provider/api/test/pre",
        headers=console.headers,
        json={
            "tool_name": "listItems",
            "schema_type": "swagger",
            "schema": swagger,
            "credentials": {"auth_type": "none"},
            "parameters": {"limit": "many"},
        },
    )
    assert wrong.status_code == 400 and (await wrong.get_json())["code"] == "invalid_param"


async def test_update_keeps_a_masked_key_renames_and_delete_removes(console, service):
    assert (await _add(console, openapi(service.url))).status_code == 200
    got = await (
        await console.client.get(f"{WS}/tool-provider/api/get?provider=pets", headers=console.headers)
    ).get_json()
    updated = await console.client.post(
        f"{WS}/tool-provider/api/update",
        headers=console.headers,
        json={
            "original_provider": "pets",
            "provider": "animals",
            "schema": got["schema"],
            "schema_type": "openapi",
            "credentials": got["credentials"],
            "icon": got["icon"],
            "privacy_policy": "",
            "custom_disclaimer": "",
        },
    )
    assert updated.status_code == 200, await updated.get_json()
    tested = await (
        await console.client.post(
            f"{WS}/tool-provider/api/test/pre",
            headers=console.headers,
            json={
                "tool_name": "getPet",
                "provider_name": "animals",
                "schema_type": "openapi",
                "schema": got["schema"],
                "credentials": got["credentials"],
                "parameters": {"pet_id": 3},
            },
        )
    ).get_json()
    assert json.loads(tested["result"])["path"] == "/pets/3"
    assert service.requests[-1]["headers"]["x-pet-key"] == "Bearer secret-key-123"  # the stored key, not the mask
    gone = await console.client.get(f"{WS}/tool-provider/api/get?provider=pets", headers=console.headers)
    assert gone.status_code == 404 and (await gone.get_json())["code"] == "not_found"
    deleted = await console.client.post(
        f"{WS}/tool-provider/api/delete", headers=console.headers, json={"provider": "animals"}
    )
    assert deleted.status_code == 200
    assert await (await console.client.get(f"{WS}/tools/api", headers=console.headers)).get_json() == []


async def test_an_unknown_auth_type_is_refused_and_nothing_is_stored(console, service):
    response = await _add(console, openapi(service.url), credentials={"auth_type": "oauth9"})
    assert response.status_code == 400 and (await response.get_json())["code"] == "invalid_param"
    assert await (await console.client.get(f"{WS}/tools/api", headers=console.headers)).get_json() == []


async def test_a_dsl_from_another_instance_finds_the_provider_by_its_name(console, service):
    assert (await _add(console, openapi(service.url))).status_code == 200
    document = fixture("api_pets.yml")
    document["workflow"]["graph"]["nodes"][1]["data"]["provider_id"] = "0b4f3a52-5d6c-4c8e-9f41-3f0a8b8d1e11"
    run = await run_blocking(console, (await import_app(console, document))["app_id"], {"pet": 2})
    assert run["status"] == "succeeded", run
    assert run["outputs"]["got"][0]["path"] == "/pets/2"


async def test_a_remote_schema_is_fetched_through_the_guard(console, service):
    fetched = await console.client.get(
        f"{WS}/tool-provider/api/remote?url={service.url}/openapi.json", headers=console.headers
    )
    assert fetched.status_code == 200 and json.loads((await fetched.get_json())["schema"])["path"] == "/openapi.json"
    refused = await console.client.get(f"{WS}/tool-provider/api/remote?url=http://10.0.0.1/x", headers=console.headers)
    assert refused.status_code == 400 and (await refused.get_json())["code"] == "invalid_param"
