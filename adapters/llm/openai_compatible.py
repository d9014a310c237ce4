"""`ChatModel` over any OpenAI-compatible `/chat/completions` endpoint (OpenAI, vLLM, Ollama, llama.cpp …)."""

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from contextlib import aclosing, asynccontextmanager, suppress
from typing import Any

import httpx

from adapters.llm.openai_wire import StreamFold, error_details, parse_payload, request_body, sse_data, tool_json
from domain.models.entities import ChatChunk, ChatRequest, ToolCall, Usage
from domain.models.errors import (
    CompletionRequestError,
    ModelProviderError,
    ProviderQuotaExceeded,
    RateLimitError,
)
from domain.models.ports import TokenCounter

# A host that does not accept a connection in 10 s is down; a model may think far longer before answering.
_CONNECT_TIMEOUT = 10.0
# After `[DONE]`, how long to wait for the end of the body so the connection can be reused.
_DRAIN_SECONDS = 0.5


class _Retryable(Exception):
    """A failure worth another attempt, as long as nothing has reached the consumer yet."""

    def __init__(self, error: ModelProviderError, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class OpenAICompatibleChatModel:
    """Streams chat completions over HTTP with server-sent events.

    `timeout` bounds each wait on the provider (the first token, every later one). Rate limits (429),
    server errors (5xx) and broken connections are retried up to `max_retries` times with exponential
    backoff (`backoff_base` doubling, at most `backoff_cap` seconds, or the provider's Retry-After),
    but only until the first chunk has been yielded. Each call opens its own client: credentials differ
    per workspace, and an LLM call lasts seconds, so a pool shared across calls would save little.
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
    ) -> None:
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Accept": "text/event-stream"} | ({"Authorization": f"Bearer {api_key}"} if api_key else {})
        self._timeout = timeout
        self._timeouts = httpx.Timeout(timeout, connect=min(timeout, _CONNECT_TIMEOUT))
        self._max_retries = max(max_retries, 0)
        self._backoff = (backoff_base, backoff_cap)
        self._counter = token_counter
        # A shared client keeps connections (and its TLS context, costly to build) across calls.
        self._client = client

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        body = request_body(request)
        async with _client_for(self._client, self._timeouts) as client:
            for attempt in range(self._max_retries + 1):
                started = False
                try:
                    async with aclosing(self._attempt(client, request, body)) as chunks:
                        async for chunk in chunks:
                            started = True
                            yield chunk
                    return
                except _Retryable as failure:
                    if started or attempt == self._max_retries:
                        raise failure.error from failure.__cause__
                    await asyncio.sleep(self._delay(attempt, failure.retry_after))

    async def _attempt(
        self, client: httpx.AsyncClient, request: ChatRequest, body: Mapping[str, Any]
    ) -> AsyncGenerator[ChatChunk, None]:
        fold = StreamFold()
        try:
            request_options = {"json": body, "headers": self._headers, "timeout": self._timeouts}
            async with client.stream("POST", self._url, **request_options) as response:
                if response.status_code >= 400:
                    raise _status_failure(response.status_code, await response.aread(), response.headers)
                lines = response.aiter_lines()
                async for line in lines:
                    data = sse_data(line)
                    if data == "[DONE]":
                        fold.done = True
                        break
                    if data and (delta := fold.feed(parse_payload(data))):
                        yield ChatChunk(delta=delta)
                if fold.done:
                    await _drain(lines)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise _Retryable(CompletionRequestError(f"Could not connect to the model provider: {error}")) from error
        except httpx.TimeoutException as error:
            message = f"The model provider did not answer within {self._timeout:g} s."
            raise CompletionRequestError(message) from error
        except httpx.TransportError as error:
            message = f"The connection to the model provider broke: {error or type(error).__name__}"
            raise _Retryable(CompletionRequestError(message)) from error
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise CompletionRequestError(f"The request to the model provider failed: {error}") from error
        if not fold.finished:
            raise CompletionRequestError("The model provider's stream ended before the answer was finished.")
        tool_calls = fold.tool_calls()
        usage = fold.usage or await asyncio.to_thread(self._count_usage, request, fold.answer(), tool_calls)
        reason = fold.finish_reason or ("tool_calls" if tool_calls else "stop")
        yield ChatChunk(usage=usage, finish_reason=reason, tool_calls=tool_calls)

    def _count_usage(self, request: ChatRequest, answer: str, tool_calls: tuple[ToolCall, ...]) -> Usage:
        prompt = self._counter.count_messages(request.messages, request.model)
        if request.tools:
            prompt += self._counter.count_text(json.dumps([tool_json(t) for t in request.tools]), request.model)
        completion = self._counter.count_text(answer, request.model)
        completion += sum(self._counter.count_text(c.name + c.arguments, request.model) for c in tool_calls)
        return Usage.of(prompt, completion)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base, cap = self._backoff
        return min(cap, retry_after if retry_after is not None else base * 2**attempt)


@asynccontextmanager
async def _client_for(shared: httpx.AsyncClient | None, timeout: httpx.Timeout) -> AsyncIterator[httpx.AsyncClient]:
    if shared is not None:
        yield shared
        return
    async with httpx.AsyncClient(timeout=timeout) as client:
        yield client


async def _drain(lines: AsyncIterator[str]) -> None:
    """Reads what follows `[DONE]` (normally just the end of the chunked body, already received).

    A response closed before its body ends cannot go back to the pool: httpx would then open a new
    connection (and with TLS, a new handshake) for every call. A server that keeps the body open after
    `[DONE]` is given up on after a short wait; the answer is complete either way."""
    with suppress(Exception):
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for _ in lines:
                pass


def _status_failure(status: int, body: bytes, headers: httpx.Headers) -> Exception:
    message, code = error_details(body)
    message = message or f"The model provider answered HTTP {status}."
    if status == 429 and code == "insufficient_quota":
        return ProviderQuotaExceeded(message)
    if status == 429:
        return _Retryable(RateLimitError(message), _seconds(headers.get("retry-after")))
    if status >= 500:
        return _Retryable(CompletionRequestError(message))
    return CompletionRequestError(message)


def _seconds(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None
