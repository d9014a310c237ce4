"""What every HTTP chat model shares: the retry loop, the mapping of transport failures, the connection
hygiene after a stream ends. Each wire (OpenAI's chat completions, Anthropic's Messages) adds its request
and its event parsing on top."""

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from contextlib import aclosing, asynccontextmanager, contextmanager, suppress
from typing import Any

import httpx

from adapters.llm.openai_wire import tool_json
from domain.models.entities import ChatChunk, ChatRequest, ToolCall, Usage
from domain.models.errors import CompletionRequestError, ModelProviderError
from domain.models.ports import TokenCounter

# A host that does not accept a connection in 10 s is down; a model may think far longer before answering.
CONNECT_TIMEOUT = 10.0
# After the end of a stream, how long to wait for the end of the body so the connection can be reused.
DRAIN_SECONDS = 0.5


class Retryable(Exception):
    """A failure worth another attempt, as long as nothing has reached the consumer yet."""

    def __init__(self, error: ModelProviderError, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class RetryingChatModel:
    """The `ChatModel` contract's retry rule over one HTTP attempt per try.

    `timeout` bounds each wait on the provider (the first token, every later one). Failures raised as
    `Retryable` (rate limits, server errors, broken connections) are retried up to `max_retries` times
    with exponential backoff (`backoff_base` doubling, at most `backoff_cap` seconds, or the provider's
    Retry-After), but only until the first chunk has been yielded. Subclasses write `_attempt`.
    """

    def __init__(
        self,
        *,
        token_counter: TokenCounter,
        timeout: float,
        max_retries: int,
        backoff_base: float,
        backoff_cap: float,
        client: httpx.AsyncClient | None,
    ) -> None:
        self._timeout = timeout
        self._timeouts = httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT))
        self._max_retries = max(max_retries, 0)
        self._backoff = (backoff_base, backoff_cap)
        self._counter = token_counter
        # A shared client keeps connections (and its TLS context, costly to build) across calls.
        self._client = client

    async def stream(self, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        async with _client_for(self._client, self._timeouts) as client:
            for attempt in range(self._max_retries + 1):
                started = False
                try:
                    async with aclosing(self._attempt(client, request)) as chunks:
                        async for chunk in chunks:
                            started = True
                            yield chunk
                    return
                except Retryable as failure:
                    if started or attempt == self._max_retries:
                        raise failure.error from failure.__cause__
                    await asyncio.sleep(self._delay(attempt, failure.retry_after))

    def _attempt(self, client: httpx.AsyncClient, request: ChatRequest) -> AsyncGenerator[ChatChunk, None]:
        raise NotImplementedError

    @contextmanager
    def _transport_errors(self) -> Iterator[None]:
        """Maps httpx's failures to the port's errors: refused connections and broken streams are worth a
        retry, a provider that stays silent past the timeout is not (it would only keep the user waiting)."""
        try:
            yield
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise Retryable(CompletionRequestError(f"Could not connect to the model provider: {error}")) from error
        except httpx.TimeoutException as error:
            message = f"The model provider did not answer within {self._timeout:g} s."
            raise CompletionRequestError(message) from error
        except httpx.TransportError as error:
            message = f"The connection to the model provider broke: {error or type(error).__name__}"
            raise Retryable(CompletionRequestError(message)) from error
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise CompletionRequestError(f"The request to the model provider failed: {error}") from error

    async def _counted(self, request: ChatRequest, answer: str, tool_calls: tuple[ToolCall, ...]) -> Usage:
        """Usage counted offline, for providers (or gateways) that report none. Off the event loop:
        tokenising a long prompt takes milliseconds of CPU."""
        return await asyncio.to_thread(self._count_usage, request, answer, tool_calls)

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


async def drain(lines: AsyncIterator[Any]) -> None:
    """Reads what follows the end of a stream (normally just the end of the chunked body, already received).

    A response closed before its body ends cannot go back to the pool: httpx would then open a new
    connection (and with TLS, a new handshake) for every call. A server that keeps the body open after
    the end is given up on after a short wait; the answer is complete either way."""
    with suppress(Exception):
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in lines:
                pass


async def sse_payloads(response: httpx.Response) -> AsyncIterator[str]:
    """The payload of each SSE `data:` line of a streamed body, stripped (comments, other fields and separators
    skipped). Lines are split on the bytes (CRLF, LF or CR, as SSE allows; a CRLF cut between two reads only adds
    an empty line, which is no data) and only `data:` lines are decoded: httpx's `aiter_lines` decodes every read
    to text and runs it through its line decoder first, which cost more than parsing the event."""
    pending = b""
    async for chunk in response.aiter_bytes():
        if not chunk:
            continue
        if pending:
            chunk = pending + chunk
        lines = chunk.splitlines()
        pending = b"" if chunk[-1:] in (b"\n", b"\r") else lines.pop()
        for line in lines:
            if line.startswith(b"data:"):
                yield line[5:].decode("utf-8", "replace").strip()
    if pending.startswith(b"data:"):
        yield pending[5:].decode("utf-8", "replace").strip()


def retry_after_seconds(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None


def parse_stream_event(data: str) -> Mapping[str, Any]:
    """One server-sent event's JSON object; anything else is the provider's fault, said as Dify says it."""
    try:
        payload = json.loads(data)
    except ValueError:
        payload = None
    if not isinstance(payload, Mapping):
        raise CompletionRequestError(f"The model provider sent an unreadable event: {data[:200]}")
    return payload
