from collections.abc import AsyncGenerator, Sequence
from typing import Protocol
from uuid import UUID

from domain.models.entities import ChatChunk, ChatMessage, ChatRequest
from domain.models.providers import DefaultModel, ProviderCredentials


class ChatModel(Protocol):
    """Streams one chat completion from a model provider.

    Contract: `stream(request)` returns an async generator; nothing is sent before iteration starts.
    It yields zero or more chunks carrying a text `delta`, in the order the model wrote them, then
    exactly one final chunk carrying `usage`, `finish_reason` and any complete tool calls; when the
    provider reports no usage, it is counted. Transient failures (rate limits, server errors, refused
    connections) are retried only while nothing has been yielded. Cancelling the consuming task or
    calling `aclose()` stops the generation and releases the connection.

    Errors: `CompletionRequestError` (refused credentials, bad request, provider failure, timeout,
    a failure after the first chunk), `RateLimitError`, `ProviderQuotaExceeded`.
    """

    def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]: ...


class TokenCounter(Protocol):
    """Counts tokens as the named model's tokenizer would, offline.

    Contract: counts are non-negative and deterministic. `count_messages` is a fixed reply priming plus,
    for each message, its content, role, name and tool calls with the chat format's per-message
    overhead, so adding a message never lowers it. Unknown model names fall back to a general-purpose
    encoding rather than failing. Raises nothing for any text.
    """

    def count_text(self, text: str, model: str) -> int: ...

    def count_messages(self, messages: Sequence[ChatMessage], model: str) -> int: ...


class ChatModelFactory(Protocol):
    """Builds the ChatModel that serves a provider's credentials, speaking the wire of its catalogue entry
    (OpenAI-compatible, Azure OpenAI or Anthropic's Messages API)."""

    def for_credentials(self, credentials: ProviderCredentials) -> ChatModel: ...


class SecretCipher(Protocol):
    """Encrypts provider secrets at rest. Contract: decrypt(encrypt(x)) == x; a tampered or foreign
    ciphertext raises ValueError."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, ciphertext: str) -> str: ...


class ProviderRepository(Protocol):
    async def get(self, tenant_id: UUID, provider: str) -> ProviderCredentials | None: ...

    async def for_tenant(self, tenant_id: UUID) -> list[ProviderCredentials]: ...

    async def save(self, credentials: ProviderCredentials) -> None:
        """Insert or replace the tenant's credentials for that provider."""

    async def delete(self, tenant_id: UUID, provider: str) -> bool:
        """Remove the tenant's credentials for that provider; whether there were any."""

    async def defaults(self, tenant_id: UUID) -> list[DefaultModel]: ...

    async def save_default(self, tenant_id: UUID, default: DefaultModel) -> None: ...

    async def delete_default(self, tenant_id: UUID, model_type: str) -> None: ...


class ProviderKeyCheck(Protocol):
    """Asks a provider whether it takes a key, without spending its tokens (it lists its models).

    Contract: the provider's own reason when it refuses the key (HTTP 401 or 403); None otherwise: the key was
    taken, or no answer said it is wrong (no model list at that endpoint, a provider weir cannot ask this way,
    the endpoint unreachable right now: the first real call shows those)."""

    async def refusal(self, credentials: ProviderCredentials) -> str | None: ...
