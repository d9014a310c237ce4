import httpx

from adapters.llm.openai_compatible import OpenAICompatibleChatModel
from domain.models.ports import ChatModel, TokenCounter
from domain.models.providers import ProviderCredentials


class OpenAICompatibleModelFactory:
    """Every provider weir speaks to is OpenAI-compatible: one client per credentials."""

    def __init__(self, counter: TokenCounter, timeout: float) -> None:
        self._counter = counter
        self._timeout = timeout
        # One pool for every provider call of the process: building a client (its TLS context) costs ms of CPU.
        self._client = httpx.AsyncClient(limits=httpx.Limits(max_connections=200, max_keepalive_connections=50))

    def for_credentials(self, credentials: ProviderCredentials) -> ChatModel:
        return OpenAICompatibleChatModel(
            credentials.endpoint_url, credentials.api_key, token_counter=self._counter, timeout=self._timeout,
            client=self._client,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
