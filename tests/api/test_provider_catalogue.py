"""Every provider of the catalogue, through the console and a loopback server speaking its wire.

For each: credentials saved with Dify's field names (the base URL override pointing at the loopback),
read back masked, a chat streamed through it when the app names the provider by plugin id and by bare
name, then the credentials deleted.
"""

from urllib.parse import urlparse

import pytest

from domain.apps.model_config import ModelSettings
from domain.models.catalogue import PROVIDERS
from domain.models.entities import ChatMessage, ChatRequest
from domain.models.errors import ProviderNotInitialized
from domain.models.specs import ModelType, ProviderSpec, Wire
from tests.integration.anthropic_stub_server import StubAnthropicServer
from tests.integration.openai_stub_server import StubOpenAIServer

BASE = "/console/api/workspaces/current/model-providers"


@pytest.fixture
async def stubs():
    servers = {Wire.OPENAI: StubOpenAIServer(), Wire.ANTHROPIC: StubAnthropicServer()}
    servers[Wire.AZURE_OPENAI] = servers[Wire.OPENAI]
    for server in {id(s): s for s in servers.values()}.values():
        await server.start()
    yield servers
    for server in {id(s): s for s in servers.values()}.values():
        await server.stop()


def _default_path(spec: ProviderSpec) -> str:
    return urlparse(spec.base_url).path.rstrip("/") if spec.base_url else ""


def credentials_for(spec: ProviderSpec, root: str) -> tuple[dict, str]:
    """A credentials body in the provider's Dify field names, with its URL field pointing at `root` (the
    loopback's host root); and the request path the provider's wire should then call."""
    body = {spec.key_fields[0]: f"sk-{spec.name}-0123456789"}
    for field in spec.provider_form:  # closed choices (the authentication method) as weir offers them
        if field.closed:
            body[field.variable] = field.options[0]
    url_field = spec.url_fields[0] if spec.url_fields else "endpoint_url"
    path = _default_path(spec)
    # A Dify URL field with a suffix names the host root (so does Azure's resource endpoint); the others
    # name the whole base URL.
    body[url_field] = root if spec.url_suffix or spec.wire is Wire.AZURE_OPENAI else root + (path or "/v1")
    tail = {Wire.OPENAI: "/chat/completions", Wire.ANTHROPIC: "/messages"}
    expected = (path or "/v1") + tail.get(spec.wire, "")
    return body, expected


def chat_model_of(spec: ProviderSpec) -> str:
    return next((m.name for m in spec.models if m.model_type is ModelType.LLM), "stub-model")


async def _tenant(container):
    async with container.uow() as uow:
        return (await uow.accounts.current_membership((await uow.accounts.first()).id)).tenant_id


async def _stream(container, tenant, provider: str, model: str) -> str:
    resolved = await container.models.resolve_model().execute(tenant, ModelSettings(provider, model))
    request = ChatRequest(model=model, messages=(ChatMessage.user("Say hello"),), params={"max_tokens": 32})
    return "".join([chunk.delta async for chunk in resolved.model.stream(request)])


@pytest.mark.parametrize("spec", PROVIDERS, ids=lambda s: s.name)
async def test_each_provider_saves_masks_streams_by_plugin_id_and_bare_name_and_deletes(console, container, stubs, spec):
    server = stubs[spec.wire]
    body, expected_path = credentials_for(spec, server.root_url)
    secret = body[spec.key_fields[0]]

    saved = await console.client.post(f"{BASE}/{spec.plugin_id}/credentials", json={"credentials": body},
                                      headers=console.headers)
    assert saved.status_code == 200, await saved.get_json()

    read = await (await console.client.get(f"{BASE}/{spec.name}/credentials", headers=console.headers)).get_json()
    assert read["credentials"][spec.key_fields[0]] == secret[:6] + "*" * 12 + secret[-2:]
    assert secret not in str(read)

    listing = await (await console.client.get(BASE, headers=console.headers)).get_json()
    [entry] = [p for p in listing["data"] if p["provider"] == spec.plugin_id]
    assert entry["custom_configuration"]["status"] == "active" and entry["wire"] == spec.wire.value

    tenant, model = await _tenant(container), chat_model_of(spec)
    for reference in (spec.plugin_id, spec.name, *spec.aliases):
        assert await _stream(container, tenant, reference, model) == "Hello world"
    sent = server.requests[-1]
    line = sent["line"].split()[1]
    assert urlparse(line).path == (f"/openai/deployments/{model}/chat/completions" if spec.wire is Wire.AZURE_OPENAI
                                   else expected_path)
    if spec.wire is Wire.ANTHROPIC:
        assert sent["headers"]["x-api-key"] == secret
    elif spec.wire is Wire.AZURE_OPENAI:
        assert sent["headers"]["api-key"] == secret and "api-version=2024-10-21" in line
    else:
        assert sent["headers"]["authorization"] == f"Bearer {secret}" and sent["json"]["model"] == model
    assert len(server.requests) == 2 + len(spec.aliases)

    deleted = await console.client.delete(f"{BASE}/{spec.plugin_id}/credentials", json={}, headers=console.headers)
    assert deleted.status_code == 204
    read = await (await console.client.get(f"{BASE}/{spec.plugin_id}/credentials", headers=console.headers)).get_json()
    assert read["credentials"] is None
    with pytest.raises(ProviderNotInitialized):
        await container.models.resolve_model().execute(tenant, ModelSettings(spec.plugin_id, model))


@pytest.mark.parametrize("spec", [s for s in PROVIDERS if s.remote_name_field], ids=lambda s: s.name)
async def test_a_model_added_with_its_own_credentials_is_called_by_its_remote_name(console, container, stubs, spec):
    """Dify's customizable models (Volcengine's endpoint id, Xinference's model uid, an OpenAI-compatible
    endpoint's own model name): the app names the model, the wire carries the provider's name for it."""
    server = stubs[spec.wire]
    body, _ = credentials_for(spec, server.root_url)
    response = await console.client.post(
        f"{BASE}/{spec.plugin_id}/models/credentials",
        json={"model": "my-model", "model_type": "llm",
              "credentials": {**body, spec.remote_name_field: "ep-20250101-abcde", "context_size": "32768"}},
        headers=console.headers,
    )
    assert response.status_code == 201, await response.get_json()

    tenant = await _tenant(container)
    resolved = await container.models.resolve_model().execute(tenant, ModelSettings(spec.name, "my-model"))
    assert resolved.entry.context_size == 32768
    assert await _stream(container, tenant, spec.plugin_id, "my-model") == "Hello world"
    assert server.requests[-1]["json"]["model"] == "ep-20250101-abcde"

    shown = await (await console.client.get(f"{BASE}/{spec.plugin_id}/models/credentials?model=my-model&model_type=llm",
                                            headers=console.headers)).get_json()
    assert shown["credentials"][spec.remote_name_field] == "ep-20250101-abcde"
    assert shown["credentials"]["context_size"] == "32768"
    models = await (await console.client.get(f"{BASE}/{spec.plugin_id}/models", headers=console.headers)).get_json()
    assert [m["model"] for m in models["data"] if m["fetch_from"] == "customizable-model"] == ["my-model"]
