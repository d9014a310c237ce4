"""The chat model factory speaks each catalogue entry's wire, with the headers and URL its credentials ask."""

from datetime import UTC, datetime
from uuid import UUID

import pytest

from adapters.llm.factory import ProviderChatModelFactory
from adapters.llm.tiktoken_counter import TiktokenCounter
from domain.models.entities import ChatMessage, ChatRequest
from domain.models.providers import ProviderCredentials, parse_credentials
from tests.integration.openai_stub_server import StubOpenAIServer

NOW = datetime(2026, 1, 1, tzinfo=UTC)
TENANT = UUID(int=7)


@pytest.fixture
async def server():
    stub = StubOpenAIServer()
    await stub.start()
    yield stub
    await stub.stop()


async def _ask(credentials: ProviderCredentials, model: str = "m") -> str:
    factory = ProviderChatModelFactory(TiktokenCounter(), timeout=5.0)
    try:
        chat = factory.for_credentials(credentials)
        request = ChatRequest(model=model, messages=(ChatMessage.user("hi"),))
        return "".join([c.delta async for c in chat.stream(request)])
    finally:
        await factory.aclose()


async def test_openais_organization_goes_in_its_header_beside_the_key(server):
    credentials = parse_credentials(TENANT, "langgenius/openai/openai", {
        "openai_api_key": "sk-o", "openai_organization": "org-42", "openai_api_base": server.root_url}, None, NOW)
    assert await _ask(credentials) == "Hello world"
    headers = server.requests[0]["headers"]
    assert headers["authorization"] == "Bearer sk-o" and headers["openai-organization"] == "org-42"


async def test_azure_uses_the_deployment_url_and_the_chosen_api_version(server):
    credentials = parse_credentials(TENANT, "azure_openai", {
        "openai_api_key": "az-key", "openai_api_base": server.root_url, "openai_api_version": "2025-01-01-preview",
    }, None, NOW)
    assert await _ask(credentials, "my gpt4o") == "Hello world"
    sent = server.requests[0]
    assert sent["line"].split()[1] == "/openai/deployments/my%20gpt4o/chat/completions?api-version=2025-01-01-preview"
    assert sent["headers"]["api-key"] == "az-key" and "authorization" not in sent["headers"]


async def test_a_keyless_local_server_gets_no_authorization_header(server):
    credentials = parse_credentials(TENANT, "ollama", {"base_url": server.root_url}, None, NOW)
    assert await _ask(credentials, "llama3.2") == "Hello world"
    assert "authorization" not in server.requests[0]["headers"]
    assert server.requests[0]["line"].startswith("POST /v1/chat/completions")


async def test_credentials_of_a_provider_unknown_to_the_catalogue_are_spoken_to_as_openai_compatible(server):
    credentials = ProviderCredentials(TENANT, "retired_provider", server.base_url, "sk-r")
    assert await _ask(credentials) == "Hello world"
    assert server.requests[0]["headers"]["authorization"] == "Bearer sk-r"
