"""`ChatModel` over Anthropic's Messages API (`POST {base}/messages`)."""

import json
from collections.abc import AsyncGenerator

import httpx

from adapters.llm.anthropic_wire import API_VERSION, MessageFold, StreamError, error_details, request_body
from adapters.llm.http_stream import (
    Retryable,
    RetryingChatModel,
    drain,
    parse_stream_event,
    retry_after_seconds,
    sse_payloads,
)
from domain.models.entities import ChatChunk, ChatRequest
from domain.models.errors import CompletionRequestError, ProviderQuotaExceeded, RateLimitError
from domain.models.ports import TokenCounter

# Anthropic's error types that say the provider (not the request) failed: worth another attempt.
_TRANSIENT = frozenset({"overloaded_error", "api_error"})
_QUOTA = frozenset({"billing_error"})


class AnthropicChatModel(RetryingChatModel):
    """Streams a Messages API answer (server-sent events), or reads a whole message when `streaming` is
    off or the server (a gateway that buffers) answers with JSON anyway.

    Tool calls come back as complete `ToolCall`s, the stop reason in OpenAI's terms (`end_turn` →
    "stop", `max_tokens` → "length", `tool_use` → "tool_calls"). Failures map to the port's errors:
    429 → RateLimitError, 5xx and 529 (overloaded) → CompletionRequestError after the retries, an
    exhausted credit balance → ProviderQuotaExceeded, any other refusal → CompletionRequestError.
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
        streaming: bool = True,
    ) -> None:
        super().__init__(
            token_counter=token_counter, timeout=timeout, max_retries=max_retries, backoff_base=backoff_base,
            backoff_cap=backoff_cap, client=client,
        )
        self._url = base_url.rstrip("/") + "/messages"
        self._headers = {
            "anthropic-version": API_VERSION,
            "Accept": "text/event-stream" if streaming else "application/json",
        } | ({"x-api-key": api_key} if api_key else {})
        self._streaming = streaming

    async def _attempt(self, client: httpx.AsyncClient, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        fold = MessageFold()
        options = {"json": request_body(request, self._streaming), "headers": self._headers, "timeout": self._timeouts}
        try:
            with self._transport_errors():
                async with client.stream("POST", self._url, **options) as response:
                    if response.status_code >= 400:
                        raise _status_failure(response.status_code, await response.aread(), response.headers)
                    if "json" in response.headers.get("content-type", ""):
                        if text := fold.feed_message(_message(await response.aread())):
                            yield ChatChunk(delta=text)
                    else:
                        lines = sse_payloads(response)
                        async for data in lines:
                            if data and (delta := fold.feed(parse_stream_event(data))):
                                yield ChatChunk(delta=delta)
                            if fold.stopped:
                                break
                        if fold.stopped:
                            await drain(lines)
        except StreamError as error:
            raise _event_failure(error) from error
        if not fold.stopped:
            raise CompletionRequestError("The model provider's stream ended before the answer was finished.")
        tool_calls = fold.tool_calls()
        usage = fold.usage or await self._counted(request, fold.answer(), tool_calls)
        reason = fold.finish_reason or ("tool_calls" if tool_calls else "stop")
        yield ChatChunk(usage=usage, finish_reason=reason, tool_calls=tool_calls)


def _message(body: bytes) -> dict:
    try:
        message = json.loads(body)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        raise CompletionRequestError(f"The model provider sent an unreadable message: {body[:200]!r}")
    return message


def _status_failure(status: int, body: bytes, headers: httpx.Headers) -> Exception:
    message, kind = error_details(body)
    message = message or f"The model provider answered HTTP {status}."
    if status == 402 or kind in _QUOTA or "credit balance" in message.lower():
        return ProviderQuotaExceeded(message)
    if status == 429:
        return Retryable(RateLimitError(message), retry_after_seconds(headers.get("retry-after")))
    if status >= 500:  # 529 is Anthropic's "overloaded"
        return Retryable(CompletionRequestError(message))
    return CompletionRequestError(message)


def _event_failure(error: StreamError) -> Exception:
    """An error sent inside the stream: retried like its HTTP twin while nothing reached the consumer."""
    message = error.text or f"The model provider failed ({error.kind or 'error'})."
    if error.kind == "rate_limit_error":
        return Retryable(RateLimitError(message))
    if error.kind in _TRANSIENT:
        return Retryable(CompletionRequestError(message))
    if error.kind in _QUOTA:
        return ProviderQuotaExceeded(message)
    return CompletionRequestError(message)
