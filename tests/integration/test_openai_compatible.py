"""OpenAICompatibleChatModel against a real HTTP server on 127.0.0.1 that speaks OpenAI's SSE stream."""

import asyncio
import json
import socket

import pytest

from adapters.llm.openai_compatible import OpenAICompatibleChatModel
from adapters.llm.tiktoken_counter import TiktokenCounter
from domain.models.entities import ChatMessage, ChatRequest, ToolCall, ToolDefinition, Usage
from domain.models.errors import CompletionRequestError, ProviderQuotaExceeded, RateLimitError
from tests.integration.openai_stub_server import DEFAULT_USAGE, Reply, StubOpenAIServer
from tests.integration.provider_clients import client, current_client  # noqa: F401  (each test on both)

DEADLINE = 5.0
COUNTER = TiktokenCounter()
REQUEST = ChatRequest(
    model="gpt-4o-mini",
    messages=(ChatMessage.system("Be brief."), ChatMessage.user("Say hello")),
    params={"temperature": 0.2, "max_tokens": 64, "stream": False},
    stop=("\n\n",),
)


@pytest.fixture
async def server():
    stub = StubOpenAIServer()
    await stub.start()
    yield stub
    await stub.stop()


def model(server, **kwargs):
    options = {"token_counter": COUNTER, "timeout": 5.0, "max_retries": 2, "backoff_base": 0.01, "backoff_cap": 0.05,
               "client": current_client()}
    return OpenAICompatibleChatModel(server.base_url, "sk-test", **(options | kwargs))


async def collect(chat_model, request=REQUEST):
    return [chunk async for chunk in chat_model.stream(request)]


async def test_deltas_arrive_in_order_then_the_usage_the_server_reported(server):
    chunks = await collect(model(server))

    assert [chunk.delta for chunk in chunks[:-1]] == ["Hel", "lo", " world"]
    final = chunks[-1]
    assert final.is_final and final.delta == ""
    assert final.usage == Usage(**DEFAULT_USAGE)
    assert final.finish_reason == "stop"


async def test_the_request_is_openai_streaming_with_usage_requested(server):
    await collect(model(server))

    (sent,) = server.requests
    assert sent["line"] == "POST /v1/chat/completions HTTP/1.1"
    assert sent["headers"]["authorization"] == "Bearer sk-test"
    body = sent["json"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert body["model"] == "gpt-4o-mini"
    assert body["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}]
    assert (body["temperature"], body["max_tokens"], body["stop"]) == (0.2, 64, ["\n\n"])


async def test_without_reported_usage_the_tokens_are_counted(server):
    server.replies = [Reply(usage=None)]

    final = (await collect(model(server)))[-1]

    prompt = COUNTER.count_messages(REQUEST.messages, REQUEST.model)
    completion = COUNTER.count_text("Hello world", REQUEST.model)
    assert final.usage == Usage(prompt, completion, prompt + completion)
    assert final.usage.prompt_tokens > 0 and final.usage.completion_tokens == 2


async def test_tools_go_out_and_tool_calls_come_back_whole(server):
    server.replies = [
        Reply(
            deltas=(),
            finish_reason="tool_calls",
            tool_calls=(
                {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}},
                {"index": 0, "function": {"arguments": '{"city": '}},
                {"index": 0, "function": {"arguments": '"Paris"}'}},
            ),
        )
    ]
    weather = ToolDefinition(
        "get_weather", "Weather of a city", {"type": "object", "properties": {"city": {"type": "string"}}}
    )
    earlier = ToolCall("call_0", "get_time", "{}")
    request = ChatRequest(
        model="gpt-4o",
        messages=(
            ChatMessage.user("Weather?"),
            ChatMessage.assistant("", [earlier]),
            ChatMessage.tool("12:00", "call_0"),
        ),
        tools=(weather,),
        tool_choice="auto",
    )

    (final,) = await collect(model(server), request)

    assert final.finish_reason == "tool_calls"
    assert final.tool_calls == (ToolCall("call_1", "get_weather", '{"city": "Paris"}'),)
    body = server.requests[0]["json"]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather of a city",
                "parameters": dict(weather.parameters),
            },
        }
    ]
    assert body["tool_choice"] == "auto"
    assert body["messages"][1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [{"id": "call_0", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}],
    }
    assert body["messages"][2] == {"role": "tool", "content": "12:00", "tool_call_id": "call_0"}


async def test_rate_limits_and_server_errors_before_the_first_token_are_retried(server):
    limited = Reply(
        status=429,
        error={"error": {"message": "Slow down", "code": "rate_limit_exceeded"}},
        headers={"Retry-After": "0"},
    )
    broken = Reply(status=502, error={"error": {"message": "Bad gateway"}})
    server.replies = [limited, broken, Reply()]

    chunks = await collect(model(server, max_retries=2))

    assert "".join(chunk.delta for chunk in chunks) == "Hello world"
    assert len(server.requests) == 3


async def test_when_retries_run_out_the_providers_message_is_raised(server):
    server.replies = [Reply(status=500, error={"error": {"message": "The engine is overloaded"}})] * 3

    with pytest.raises(CompletionRequestError, match="The engine is overloaded"):
        await collect(model(server, max_retries=2))
    assert len(server.requests) == 3


async def test_a_failure_after_the_first_token_is_raised_not_retried(server):
    server.replies = [Reply(drop_after=1), Reply()]
    received = []

    with pytest.raises(CompletionRequestError, match="connection to the model provider broke"):
        async for chunk in model(server).stream(REQUEST):
            received.append(chunk.delta)
    assert received == ["Hel"]
    assert len(server.requests) == 1


async def test_a_connection_dropped_before_the_first_token_is_retried(server):
    server.replies = [Reply(drop_after=0), Reply()]

    chunks = await collect(model(server))

    assert "".join(chunk.delta for chunk in chunks) == "Hello world"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (
            Reply(status=401, error={"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}),
            CompletionRequestError,
            "Incorrect API key provided",
        ),
        (
            Reply(status=403, error={"error": {"message": "Country not supported"}}),
            CompletionRequestError,
            "Country not supported",
        ),
        (
            Reply(status=400, error={"object": "error", "message": "max_tokens is too large", "code": 400}),
            CompletionRequestError,
            "max_tokens is too large",
        ),
        (Reply(status=404, error={"detail": "Not Found"}), CompletionRequestError, "Not Found"),
        (
            Reply(
                status=429,
                error={
                    "error": {
                        "message": "You exceeded your current quota",
                        "type": "insufficient_quota",
                        "code": "insufficient_quota",
                    }
                },
            ),
            ProviderQuotaExceeded,
            "exceeded your current quota",
        ),
    ],
)
async def test_refusals_map_to_domain_errors_without_retry(server, reply, error, message):
    server.replies = [reply, Reply()]

    with pytest.raises(error, match=message):
        await collect(model(server))
    assert len(server.requests) == 1


async def test_a_rate_limit_that_persists_is_a_rate_limit_error(server):
    server.replies = [Reply(status=429, error={"error": {"message": "Rate limit reached for requests"}})]

    with pytest.raises(RateLimitError, match="Rate limit reached"):
        await collect(model(server, max_retries=0))


async def test_an_error_inside_the_stream_is_raised(server):
    server.replies = [Reply(deltas=(), extra_events=(json.dumps({"error": {"message": "content filtered"}}),))]

    with pytest.raises(CompletionRequestError, match="content filtered"):
        await collect(model(server))


async def test_a_stream_that_stops_before_finishing_is_an_error(server):
    server.replies = [Reply(finish_reason=None, usage=None, send_done=False)]

    with pytest.raises(CompletionRequestError, match="ended before"):
        await collect(model(server))


async def test_a_silent_provider_times_out_without_retry(server):
    server.replies = [Reply(hang_before_headers=True), Reply()]

    with pytest.raises(CompletionRequestError, match=r"did not answer within 0\.3 s"):
        await collect(model(server, timeout=0.3))
    assert len(server.requests) == 1


async def test_a_provider_that_stalls_mid_answer_times_out(server):
    server.replies = [Reply(hang_after=1)]
    received = []

    with pytest.raises(CompletionRequestError, match="did not answer within"):
        async for chunk in model(server, timeout=0.3).stream(REQUEST):
            received.append(chunk.delta)
    assert received == ["Hel"]


async def test_an_unreachable_provider_is_a_completion_request_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        chat_model = OpenAICompatibleChatModel(
            f"http://127.0.0.1:{port}/v1", None, token_counter=COUNTER, max_retries=1, backoff_base=0.01
        )
        with pytest.raises(CompletionRequestError, match="Could not connect"):
            await collect(chat_model)


async def test_closing_the_iterator_early_closes_the_http_stream(server):
    server.replies = [Reply(hang_after=2)]
    stream = model(server).stream(REQUEST)

    assert (await anext(stream)).delta == "Hel"
    assert (await anext(stream)).delta == "lo"
    await stream.aclose()

    await asyncio.wait_for(server.disconnected.wait(), DEADLINE)


async def test_cancelling_the_consumer_closes_the_http_stream(server):
    server.replies = [Reply(hang_after=1)]
    first_token = asyncio.Event()

    async def consume():
        async for _ in model(server).stream(REQUEST):
            first_token.set()

    task = asyncio.create_task(consume())
    await asyncio.wait_for(first_token.wait(), DEADLINE)
    task.cancel()

    await asyncio.wait_for(server.disconnected.wait(), DEADLINE)
    with pytest.raises(asyncio.CancelledError):
        await task
