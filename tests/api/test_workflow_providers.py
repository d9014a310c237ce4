"""A DSL exported from Dify ≥ 1.0, naming its models' providers by plugin id, imported, published and run
against loopback servers: DeepSeek through its OpenAI-compatible wire, Anthropic through its Messages API."""

from pathlib import Path

import pytest

from tests.api.helpers import bearer
from tests.integration.anthropic_stub_server import AnthropicReply, StubAnthropicServer
from tests.integration.openai_stub_server import Reply, StubOpenAIServer

DSL = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "two_providers.yml").read_text()
BASE = "/console/api/workspaces/current/model-providers"


@pytest.fixture
async def deepseek():
    server = StubOpenAIServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def anthropic():
    server = StubAnthropicServer()
    await server.start()
    yield server
    await server.stop()


async def test_a_plugin_id_dsl_runs_on_deepseek_and_anthropic(console, deepseek, anthropic):
    # The workspace's credentials, as Dify's console saves them, each pointed at its loopback server.
    for provider, credentials in (
        ("langgenius/deepseek/deepseek", {"api_key": "sk-deepseek-0123456789", "endpoint_url": deepseek.base_url}),
        ("langgenius/anthropic/anthropic", {"anthropic_api_key": "sk-ant-0123456789", "anthropic_api_url": anthropic.root_url}),
    ):
        saved = await console.client.post(f"{BASE}/{provider}/credentials", json={"credentials": credentials},
                                          headers=console.headers)
        assert saved.status_code == 200, await saved.get_json()

    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": DSL}, headers=console.headers
    )).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    app_id = imported["app_id"]
    published = await console.client.post(f"/console/api/apps/{app_id}/workflows/publish", headers=console.headers)
    assert published.status_code == 200
    key = await console.create_app_key(app_id)

    deepseek.replies = [Reply(deltas=("Restart", " the router."))]
    anthropic.replies = [AnthropicReply(deltas=("Please restart", " your router."), input_tokens=30, output_tokens=6)]
    response = await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"question": "My internet is down"}, "response_mode": "blocking", "user": "alice"})
    body = await response.get_json()

    assert response.status_code == 200, body
    data = body["data"]
    assert data["status"] == "succeeded", data
    assert data["outputs"] == {"draft": "Restart the router.", "answer": "Please restart your router."}
    assert data["total_tokens"] == 14 + 36  # the stub's reported usage of each call

    (draft,) = deepseek.requests
    assert draft["line"].startswith("POST /v1/chat/completions")
    assert draft["headers"]["authorization"] == "Bearer sk-deepseek-0123456789"
    assert draft["json"]["model"] == "deepseek-chat" and draft["json"]["max_tokens"] == 512
    assert draft["json"]["messages"][-1] == {"role": "user", "content": "My internet is down"}

    (polish,) = anthropic.requests
    assert polish["line"].startswith("POST /v1/messages")
    assert polish["headers"]["x-api-key"] == "sk-ant-0123456789"
    sent = polish["json"]
    assert sent["model"] == "claude-3-5-sonnet-20241022" and sent["max_tokens"] == 1024
    assert sent["system"] == "You polish drafts without changing their meaning."
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Polish this draft: Restart the router."}]}]
    assert "presence_penalty" not in sent


async def test_without_credentials_for_a_named_provider_the_run_fails_on_that_node(console, deepseek):
    await console.client.post(f"{BASE}/deepseek/credentials", headers=console.headers,
                              json={"credentials": {"api_key": "sk-deepseek-0123456789", "endpoint_url": deepseek.base_url}})
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": DSL, "publish": True},
        headers=console.headers,
    )).get_json()
    key = await console.create_app_key(imported["app_id"])

    body = await (await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"question": "Hi"}, "response_mode": "blocking", "user": "alice"})).get_json()

    assert body["data"]["status"] == "failed"
    assert "Model Provider" in body["data"]["error"] and len(deepseek.requests) == 1
