"""Workspace model providers: secrets encrypted at rest and masked on read."""

from urllib.parse import urlparse

from sqlalchemy import select

from adapters.persistence.schema import provider_credentials
from tests.api.chat_helpers import MODEL, configure_provider, make_app
from tests.integration.openai_stub_server import Reply

SECRET = "sk-live-0123456789abcdef"


async def _save(console, **credentials):
    return await console.client.post(
        "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
        json={"credentials": credentials}, headers=console.headers,
    )


async def test_the_api_key_is_encrypted_at_rest_and_masked_on_read(console, container):
    response = await _save(console, api_key=SECRET, endpoint_url="http://llm.internal:8000/v1",
                           models=[{"name": "llama", "context_size": 8192, "pricing": {"input": "0.1", "output": "0.2"}}])
    assert response.status_code == 200
    async with container.engine().connect() as conn:
        stored = (await conn.execute(select(provider_credentials.c.encrypted_api_key))).scalar_one()
    assert SECRET not in stored and stored.startswith("v1:")
    listing = await (await console.client.get("/console/api/workspaces/current/model-providers", headers=console.headers)).get_json()
    # Dify lists every provider weir knows; the configured ones are those whose custom configuration is active.
    [provider] = [p for p in listing["data"] if p["custom_configuration"]["status"] == "active"]
    assert provider["credentials"]["api_key"] == "sk-liv" + "*" * 12 + "ef"
    assert provider["models"][0]["model"] == "llama" and provider["models"][0]["pricing"]["input"] == "0.1"


async def test_sending_back_the_masked_key_keeps_the_stored_secret(console, container):
    await _save(console, api_key=SECRET, endpoint_url="http://llm.internal:8000/v1")
    masked = "sk-liv" + "*" * 12 + "ef"
    await _save(console, api_key=masked, endpoint_url="http://llm.other:8000/v1")
    async with container.uow() as uow:
        tenant = (await uow.accounts.current_membership((await uow.accounts.first()).id)).tenant_id
        saved = await uow.providers.get(tenant, "openai_api_compatible")
    assert saved.api_key == SECRET and saved.endpoint_url == "http://llm.other:8000/v1"


async def test_bad_credentials_are_refused_and_change_nothing(console):
    for body in ({"endpoint_url": "ftp://x"}, {"endpoint_url": "http://x", "models": [{"context_size": 10}]}):
        response = await _save(console, **body)
        assert response.status_code == 400 and (await response.get_json())["code"] == "invalid_param"
    unknown = await console.client.post(
        "/console/api/workspaces/current/model-providers/no_such_provider/credentials",
        json={"credentials": {"api_key": "x"}}, headers=console.headers,
    )
    assert unknown.status_code == 400
    listing = await (await console.client.get("/console/api/workspaces/current/model-providers", headers=console.headers)).get_json()
    assert all(p["custom_configuration"]["status"] == "no-configure" for p in listing["data"])


BASE = "/console/api/workspaces/current/model-providers"


async def _get(console, path):
    response = await console.client.get(path, headers=console.headers)
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def test_the_listing_is_difys_every_provider_with_its_schema_and_status(console):
    await console.client.post(f"{BASE}/langgenius/deepseek/deepseek/credentials",
                              json={"credentials": {"api_key": SECRET}}, headers=console.headers)
    listing = await _get(console, BASE)
    by_name = {p["provider"]: p for p in listing["data"]}
    assert {"langgenius/openai/openai", "langgenius/anthropic/anthropic", "langgenius/gemini/google"} <= set(by_name)
    deepseek = by_name["langgenius/deepseek/deepseek"]
    assert deepseek["label"] == {"en_US": "deepseek", "zh_Hans": "deepseek"}
    assert deepseek["supported_model_types"] == ["llm"] and deepseek["configurate_methods"] == ["predefined-model"]
    schema = deepseek["provider_credential_schema"]["credential_form_schemas"]
    assert [f["variable"] for f in schema] == ["api_key", "endpoint_url"] and schema[0]["type"] == "secret-input"
    assert deepseek["custom_configuration"]["status"] == "active"
    assert deepseek["custom_configuration"]["current_credential_id"]
    assert deepseek["system_configuration"] == {"enabled": False, "current_quota_type": None, "quota_configurations": []}
    assert deepseek["icon_small"]["en_US"].endswith("/model-providers/langgenius/deepseek/deepseek/icon_small/en_US")
    azure = by_name["langgenius/azure_openai/azure_openai"]
    assert azure["provider_credential_schema"] is None and azure["configurate_methods"] == ["customizable-model"]
    assert azure["model_credential_schema"]["model"]["label"]["en_US"] == "Deployment Name"
    assert by_name["langgenius/openai/openai"]["custom_configuration"]["status"] == "no-configure"

    embedding = await _get(console, f"{BASE}?model_type=text-embedding")
    assert "langgenius/anthropic/anthropic" not in {p["provider"] for p in embedding["data"]}


async def test_icons_are_served_without_a_token(console):
    listing = await _get(console, BASE)
    url = next(p for p in listing["data"] if p["provider"] == "langgenius/anthropic/anthropic")["icon_large"]["en_US"]
    response = await console.client.get(urlparse(url).path)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "Anthropic" in (await response.get_data(as_text=True))


async def test_credentials_put_with_the_current_id_and_refused_with_another(console):
    await console.client.post(f"{BASE}/anthropic/credentials", json={"credentials": {"anthropic_api_key": SECRET}},
                              headers=console.headers)
    listing = await _get(console, BASE)
    current = next(p for p in listing["data"] if p["provider"].endswith("/anthropic"))["custom_configuration"]
    body = {"credential_id": current["current_credential_id"], "name": "Team key",
            "credentials": {"anthropic_api_key": "[__HIDDEN__]", "anthropic_api_url": "https://proxy.example"}}
    response = await console.client.put(f"{BASE}/langgenius/anthropic/anthropic/credentials", json=body,
                                        headers=console.headers)
    assert response.status_code == 200
    read = await _get(console, f"{BASE}/anthropic/credentials")
    assert read["credentials"] == {"anthropic_api_key": "sk-liv" + "*" * 12 + "ef", "anthropic_api_url": "https://proxy.example"}
    listing = await _get(console, BASE)
    assert next(p for p in listing["data"] if p["provider"].endswith("/anthropic"))[
        "custom_configuration"]["current_credential_name"] == "Team key"
    other = await console.client.put(f"{BASE}/anthropic/credentials", headers=console.headers, json={
        "credential_id": "00000000-0000-0000-0000-000000000000", "credentials": {"anthropic_api_key": "x"}})
    assert other.status_code == 404 and (await other.get_json())["code"] == "not_found"


async def test_validate_calls_the_provider_and_reports_its_refusal(console, upstream):
    ok = await console.client.post(f"{BASE}/langgenius/openai/openai/credentials/validate", headers=console.headers,
                                   json={"credentials": {"openai_api_key": SECRET, "openai_api_base": upstream.root_url}})
    assert await ok.get_json() == {"result": "success"}
    assert upstream.requests[-1]["json"]["model"] == "gpt-4o" and upstream.requests[-1]["json"]["max_tokens"] == 1
    upstream.replies = [Reply(status=401, error={"error": {"message": "Incorrect API key provided"}})]
    refused = await console.client.post(f"{BASE}/openai/credentials/validate", headers=console.headers,
                                        json={"credentials": {"openai_api_key": SECRET, "openai_api_base": upstream.root_url}})
    assert await refused.get_json() == {"result": "error", "error": "Incorrect API key provided"}
    missing = await console.client.post(f"{BASE}/openai/credentials/validate", headers=console.headers,
                                        json={"credentials": {}})
    assert (await missing.get_json())["result"] == "error"


async def test_models_model_types_defaults_and_parameter_rules(console, upstream):
    await console.client.post(f"{BASE}/langgenius/tongyi/tongyi/credentials",
                              json={"credentials": {"dashscope_api_key": SECRET}}, headers=console.headers)
    await console.client.post(f"{BASE}/langgenius/ollama/ollama/models/credentials", headers=console.headers, json={
        "model": "llama3.2", "model_type": "llm", "credentials": {"base_url": upstream.root_url, "context_size": "8192"}})  # tried before it is kept

    models = await _get(console, f"{BASE}/langgenius/tongyi/tongyi/models")
    qwen = next(m for m in models["data"] if m["model"] == "qwen-plus")
    assert qwen["status"] == "active" and qwen["fetch_from"] == "predefined-model"
    assert qwen["model_properties"] == {"context_size": 131072, "mode": "chat"}
    assert qwen["provider"]["provider"] == "langgenius/tongyi/tongyi"
    unconfigured = await _get(console, f"{BASE}/openai/models")
    assert {m["status"] for m in unconfigured["data"]} == {"no-configure"}

    llms = await _get(console, "/console/api/workspaces/current/models/model-types/llm")
    assert [p["provider"] for p in llms["data"]] == ["langgenius/tongyi/tongyi", "langgenius/ollama/ollama"]
    assert [m["model"] for m in llms["data"][1]["models"]] == ["llama3.2"]
    embeddings = await _get(console, "/console/api/workspaces/current/models/model-types/text-embedding")
    assert [m["model"] for p in embeddings["data"] for m in p["models"]] == ["text-embedding-v3"]

    assert await _get(console, "/console/api/workspaces/current/default-model?model_type=llm") == {"data": None}
    saved = await console.client.post("/console/api/workspaces/current/default-model", headers=console.headers, json={
        "model_settings": [{"model_type": "llm", "provider": "langgenius/tongyi/tongyi", "model": "qwen-max"},
                           {"model_type": "text-embedding", "provider": None, "model": ""}]})
    assert saved.status_code == 200
    default = (await _get(console, "/console/api/workspaces/current/default-model?model_type=llm"))["data"]
    assert default["model"] == "qwen-max" and default["provider"]["provider"] == "langgenius/tongyi/tongyi"

    rules = (await _get(console, f"{BASE}/langgenius/tongyi/tongyi/models/parameter-rules?model=qwen-max"))["data"]
    by_name = {r["name"]: r for r in rules}
    assert by_name["max_tokens"]["max"] == 8192 and by_name["temperature"]["type"] == "float"

    deleted = await console.client.delete(f"{BASE}/ollama/models", headers=console.headers,
                                          json={"model": "llama3.2", "model_type": "llm"})
    assert deleted.status_code == 204
    assert (await _get(console, f"{BASE}/ollama/models"))["data"] == []
    bad = await console.client.get("/console/api/workspaces/current/models/model-types/video", headers=console.headers)
    assert bad.status_code == 400 and (await bad.get_json())["code"] == "invalid_param"


async def test_deleting_a_provider_clears_its_default_model(console):
    await console.client.post(f"{BASE}/deepseek/credentials", json={"credentials": {"api_key": SECRET}},
                              headers=console.headers)
    await console.client.post("/console/api/workspaces/current/default-model", headers=console.headers, json={
        "model_settings": [{"model_type": "llm", "provider": "deepseek", "model": "deepseek-chat"}]})
    await console.client.delete(f"{BASE}/langgenius/deepseek/deepseek/credentials", headers=console.headers)
    assert await _get(console, "/console/api/workspaces/current/default-model?model_type=llm") == {"data": None}


async def test_a_chat_app_naming_its_provider_by_plugin_id_answers(console, upstream):
    await configure_provider(console, upstream)
    model = {"provider": "langgenius/openai_api_compatible/openai_api_compatible", "name": MODEL, "mode": "chat",
             "completion_params": {"max_tokens": 64}}
    app = await make_app(console, upstream, model=model)
    status, body = await app.send("Hello?")
    assert status == 200, body
    assert body["answer"] == "Hello world" and upstream.requests[-1]["json"]["model"] == MODEL


def _custom(listing, suffix):
    return next(p for p in listing["data"] if p["provider"].endswith(suffix))["custom_configuration"]


async def _provider_key(container, provider):
    async with container.uow() as uow:
        tenant = (await uow.accounts.current_membership((await uow.accounts.first()).id)).tenant_id
        return (await uow.providers.get(tenant, provider)).api_key


async def test_a_second_key_is_added_beside_the_first_switched_edited_and_removed(console, container):
    first, second = SECRET, "sk-team-fedcba9876543210"
    path = f"{BASE}/langgenius/deepseek/deepseek/credentials"
    await console.client.post(path, json={"credentials": {"api_key": first}}, headers=console.headers)
    added = await console.client.post(path, json={"credentials": {"api_key": second}, "name": "Team"},
                                      headers=console.headers)
    assert added.status_code == 200
    custom = _custom(await _get(console, BASE), "/deepseek")
    names = {c["credential_name"]: c["credential_id"] for c in custom["available_credentials"]}
    assert set(names) == {"API KEY 1", "Team"} and len(set(names.values())) == 2
    # The key just added is the one used; the first is kept and can be read back by its id, masked.
    assert custom["current_credential_name"] == "Team" and await _provider_key(container, "deepseek") == second
    kept = await _get(console, f"{path}?credential_id={names['API KEY 1']}")
    assert kept["credentials"]["api_key"] == "sk-liv" + "*" * 12 + "ef"

    taken = await console.client.post(path, json={"credentials": {"api_key": "sk-third-000000000000"}, "name": "Team"},
                                      headers=console.headers)
    assert taken.status_code == 400 and "already exists" in (await taken.get_json())["message"]
    assert len(_custom(await _get(console, BASE), "/deepseek")["available_credentials"]) == 2

    switch = await console.client.post(f"{path}/switch", json={"credential_id": names["API KEY 1"]},
                                       headers=console.headers)
    assert switch.status_code == 200 and await _provider_key(container, "deepseek") == first
    assert _custom(await _get(console, BASE), "/deepseek")["current_credential_id"] == names["API KEY 1"]

    # An edit of the spare key (masked secret kept, renamed) leaves the one in use alone.
    edit = await console.client.put(path, headers=console.headers, json={
        "credential_id": names["Team"], "name": "Team B",
        "credentials": {"api_key": "sk-tea" + "*" * 12 + "10", "endpoint_url": "https://proxy.example/v1"}})
    assert edit.status_code == 200
    spare = await _get(console, f"{path}?credential_id={names['Team']}")
    assert spare["credentials"] == {"api_key": "sk-tea" + "*" * 12 + "10", "endpoint_url": "https://proxy.example/v1"}
    assert await _provider_key(container, "deepseek") == first

    # Removing the key in use hands over to the one left; removing that one too leaves the provider unconfigured.
    removed = await console.client.delete(path, json={"credential_id": names["API KEY 1"]}, headers=console.headers)
    assert removed.status_code == 204 and await _provider_key(container, "deepseek") == second
    custom = _custom(await _get(console, BASE), "/deepseek")
    assert [c["credential_name"] for c in custom["available_credentials"]] == ["Team B"]
    unknown = await console.client.post(f"{path}/switch", json={"credential_id": names["API KEY 1"]},
                                        headers=console.headers)
    assert unknown.status_code == 404
    await console.client.delete(path, json={"credential_id": names["Team"]}, headers=console.headers)
    assert _custom(await _get(console, BASE), "/deepseek")["status"] == "no-configure"


async def test_posting_the_key_in_use_again_edits_it_rather_than_adding_one(console):
    path = f"{BASE}/deepseek/credentials"
    for endpoint in ("https://a.example/v1", "https://b.example/v1"):
        await console.client.post(path, json={"credentials": {"api_key": SECRET, "endpoint_url": endpoint}},
                                  headers=console.headers)
    custom = _custom(await _get(console, BASE), "/deepseek")
    assert len(custom["available_credentials"]) == 1
    assert (await _get(console, path))["credentials"]["endpoint_url"] == "https://b.example/v1"
