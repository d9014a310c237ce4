"""Workspace model providers: secrets encrypted at rest and masked on read."""

from sqlalchemy import select

from adapters.persistence.schema import provider_credentials

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
    [provider] = listing["data"]
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
        "/console/api/workspaces/current/model-providers/anthropic/credentials",
        json={"credentials": {"api_key": "x"}}, headers=console.headers,
    )
    assert unknown.status_code == 400
    listing = await (await console.client.get("/console/api/workspaces/current/model-providers", headers=console.headers)).get_json()
    assert listing["data"] == []
