"""Builds the chat model that serves a workspace's credentials, by the wire its catalogue entry names."""

from collections.abc import AsyncGenerator, Mapping
from dataclasses import replace
from urllib.parse import quote, urlencode

import httpx

from adapters.llm.aiohttp_transport import LoopAiohttpTransport
from adapters.llm.anthropic import AnthropicChatModel
from adapters.llm.openai_compatible import OpenAICompatibleChatModel
from domain.models.catalogue import find_provider
from domain.models.entities import ChatChunk, ChatRequest
from domain.models.ports import ChatModel, TokenCounter
from domain.models.providers import ProviderCredentials
from domain.models.specs import ProviderSpec, Wire

AZURE_DEFAULT_API_VERSION = "2024-10-21"


def provider_client() -> httpx.AsyncClient:
    """The client every provider call of a process shares: building one (its TLS context) costs ms of CPU. Its
    connections are aiohttp's (LoopAiohttpTransport: HTTP parsed in C, less CPU per streamed chunk)."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    return httpx.AsyncClient(limits=limits, transport=LoopAiohttpTransport(limits))


class ProviderChatModelFactory:
    """One client per credentials: OpenAI-compatible for most providers (at their base URL), Azure's
    deployment URLs, Anthropic's Messages API. A provider unknown to the catalogue (credentials stored
    before it had an entry) is spoken to as OpenAI-compatible at its endpoint."""

    def __init__(self, counter: TokenCounter, timeout: float) -> None:
        self._counter = counter
        self._timeout = timeout
        self._client = provider_client()

    def for_credentials(self, credentials: ProviderCredentials) -> ChatModel:
        spec = find_provider(credentials.provider)
        options = {"token_counter": self._counter, "timeout": self._timeout, "client": self._client}
        model: ChatModel
        if spec is not None and spec.wire is Wire.ANTHROPIC:
            model = AnthropicChatModel(credentials.endpoint_url, credentials.api_key, **options)
        elif spec is not None and spec.wire is Wire.AZURE_OPENAI:
            model = OpenAICompatibleChatModel(
                credentials.endpoint_url, credentials.api_key, url_for=_azure_url(credentials),
                headers={"api-key": credentials.api_key} if credentials.api_key else {}, **options,
            )
        else:
            model = OpenAICompatibleChatModel(
                credentials.endpoint_url, credentials.api_key, headers=provider_headers(spec, credentials), **options
            )
        renames = {m.name: m.remote_name for m in credentials.models if m.remote_name and m.remote_name != m.name}
        return _Renamed(model, renames) if renames else model

    async def aclose(self) -> None:
        await self._client.aclose()


# The earlier name, kept for the callers (and tests) that build the factory directly.
OpenAICompatibleModelFactory = ProviderChatModelFactory


def _azure_url(credentials: ProviderCredentials):
    """Azure's chat URL for a deployment: the model name is the deployment name, as in Dify."""
    base = credentials.endpoint_url.rstrip("/")
    query = urlencode({"api-version": credentials.setting("openai_api_version") or AZURE_DEFAULT_API_VERSION})

    def url_for(deployment: str) -> str:
        return f"{base}/openai/deployments/{quote(deployment, safe='')}/chat/completions?{query}"

    return url_for


def provider_headers(spec: ProviderSpec | None, credentials: ProviderCredentials) -> Mapping[str, str] | None:
    """The bearer key plus the headers the provider's form fields map to (OpenAI's organization)."""
    pairs = spec.headers if spec else ()
    extra = {header: credentials.settings[name] for name, header in pairs if credentials.settings.get(name)}
    if not extra:
        return None  # the client's default: the bearer key alone
    return ({"Authorization": f"Bearer {credentials.api_key}"} if credentials.api_key else {}) | extra


class _Renamed:
    """Sends a model under its name at the provider (a Volcengine endpoint id, an Xinference uid) while
    the app keeps the name it was given."""

    def __init__(self, model: ChatModel, names: Mapping[str, str]) -> None:
        self._model = model
        self._names = names

    def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        remote = self._names.get(request.model)
        return self._model.stream(replace(request, model=remote) if remote else request)
