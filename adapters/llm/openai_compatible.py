"""`ChatModel` over any OpenAI-compatible `/chat/completions` endpoint (OpenAI, DeepSeek, Gemini, DashScope,
Ark, vLLM, Ollama … and Azure OpenAI's deployment URLs)."""

from collections.abc import AsyncGenerator, Callable, Mapping

import httpx

from adapters.llm.http_stream import (
    Retryable,
    RetryingChatModel,
    drain,
    parse_stream_event,
    retry_after_seconds,
    sse_payloads,
)
from adapters.llm.openai_wire import StreamFold, error_details, request_body
from domain.models.entities import ChatChunk, ChatRequest
from domain.models.errors import CompletionRequestError, ProviderQuotaExceeded, RateLimitError
from domain.models.ports import TokenCounter


class OpenAICompatibleChatModel(RetryingChatModel):
    """Streams chat completions over HTTP with server-sent events.

    By default each request goes to `{base_url}/chat/completions` with `Authorization: Bearer <api_key>`.
    `url_for` builds the URL from the model instead (Azure puts the deployment in the path) and `headers`
    replaces the authentication header (Azure's `api-key`) or adds to it (OpenAI's organization).
    Retries, timeouts and cancellation follow `RetryingChatModel`.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        token_counter: TokenCounter,
        timeout: float = 300.0,
        max_retries: int = 2,
        backoff_base: float = 0.25,
        backoff_cap: float = 4.0,
        client: httpx.AsyncClient | None = None,
        url_for: Callable[[str], str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            token_counter=token_counter, timeout=timeout, max_retries=max_retries, backoff_base=backoff_base,
            backoff_cap=backoff_cap, client=client,
        )
        url = base_url.rstrip("/") + "/chat/completions"
        self._url_for = url_for or (lambda _model: url)
        auth = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._headers = {"Accept": "text/event-stream"} | (dict(headers) if headers is not None else auth)

    async def _attempt(self, client: httpx.AsyncClient, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        fold = StreamFold()
        options = {"json": request_body(request), "headers": self._headers, "timeout": self._timeouts}
        with self._transport_errors():
            async with client.stream("POST", self._url_for(request.model), **options) as response:
                if response.status_code >= 400:
                    raise _status_failure(response.status_code, await response.aread(), response.headers)
                lines = sse_payloads(response)
                async for data in lines:
                    if data == "[DONE]":
                        fold.done = True
                        break
                    if data and (delta := fold.feed(parse_stream_event(data))):
                        yield ChatChunk(delta=delta)
                if fold.done:
                    await drain(lines)
        if not fold.finished:
            raise CompletionRequestError("The model provider's stream ended before the answer was finished.")
        tool_calls = fold.tool_calls()
        usage = fold.usage or await self._counted(request, fold.answer(), tool_calls)
        reason = fold.finish_reason or ("tool_calls" if tool_calls else "stop")
        yield ChatChunk(usage=usage, finish_reason=reason, tool_calls=tool_calls)


def _status_failure(status: int, body: bytes, headers: httpx.Headers) -> Exception:
    message, code = error_details(body)
    message = message or f"The model provider answered HTTP {status}."
    if status == 429 and code == "insufficient_quota":
        return ProviderQuotaExceeded(message)
    if status == 429:
        return Retryable(RateLimitError(message), retry_after_seconds(headers.get("retry-after")))
    if status >= 500:
        return Retryable(CompletionRequestError(message))
    return CompletionRequestError(message)
