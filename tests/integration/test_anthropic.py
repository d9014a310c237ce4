"""AnthropicChatModel against a real HTTP server on 127.0.0.1 that speaks the Messages API."""

import json

import pytest

from adapters.llm.anthropic import AnthropicChatModel
from adapters.llm.tiktoken_counter import TiktokenCounter
from domain.models.entities import ChatMessage, ChatRequest, ToolCall, ToolDefinition, Usage
from domain.models.errors import CompletionRequestError, ProviderQuotaExceeded, RateLimitError
from tests.integration.anthropic_stub_server import AnthropicReply, StubAnthropicServer, ToolUse
from tests.integration.provider_clients import client, current_client  # noqa: F401  (each test on both)

COUNTER = TiktokenCounter()
REQUEST = ChatRequest(
    model="claude-3-5-sonnet-20241022",
    messages=(ChatMessage.system("Be brief."), ChatMessage.user("Say hello")),
    params={"temperature": 0.2, "max_tokens": 64, "presence_penalty": 0.5, "response_format": "json_object"},
    stop=("\n\n",),
)


@pytest.fixture
async def server():
    stub = StubAnthropicServer()
    await stub.start()
    yield stub
    await stub.stop()


def model(server, **kwargs):
    options = {"token_counter": COUNTER, "timeout": 5.0, "max_retries": 2, "backoff_base": 0.01, "backoff_cap": 0.05,
               "client": current_client()}
    return AnthropicChatModel(server.base_url, "sk-ant-test", **(options | kwargs))


async def collect(chat_model, request=REQUEST):
    return [chunk async for chunk in chat_model.stream(request)]


async def test_text_deltas_arrive_in_order_then_the_usage_of_both_halves(server):
    server.replies = [AnthropicReply(input_tokens=12, cache_read_tokens=5, output_tokens=3)]

    chunks = await collect(model(server))

    assert [c.delta for c in chunks[:-1]] == ["Hel", "lo", " world"]
    assert chunks[-1].usage == Usage(17, 3, 20) and chunks[-1].finish_reason == "stop"


async def test_the_request_is_a_messages_stream_with_the_system_prompt_apart(server):
    await collect(model(server))

    (sent,) = server.requests
    assert sent["line"] == "POST /v1/messages HTTP/1.1"
    assert sent["headers"]["x-api-key"] == "sk-ant-test" and sent["headers"]["anthropic-version"] == "2023-06-01"
    body = sent["json"]
    assert body["system"] == "Be brief." and body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "Say hello"}]}]
    assert (body["model"], body["max_tokens"], body["stream"], body["temperature"]) == (REQUEST.model, 64, True, 0.2)
    assert body["stop_sequences"] == ["\n\n"]
    # OpenAI-only completion params an app may carry are not sent: the Messages API refuses unknown fields.
    assert "presence_penalty" not in body and "response_format" not in body


async def test_max_tokens_is_always_sent(server):
    await collect(model(server), ChatRequest(model="claude", messages=(ChatMessage.user("hi"),)))
    assert server.requests[0]["json"]["max_tokens"] == 4096


async def test_tool_use_streams_back_as_complete_tool_calls(server):
    server.replies = [AnthropicReply(deltas=("Let me look.",), stop_reason="tool_use", tool_uses=(
        ToolUse("toolu_1", "get_weather", ('{"city": ', '"Paris"}')),
        ToolUse("toolu_2", "get_time", ("{}",)),
    ))]
    tools = (ToolDefinition("get_weather", "Weather of a city", {"type": "object", "properties": {"city": {"type": "string"}}}),
             ToolDefinition("get_time"))
    request = ChatRequest(model="claude", messages=(ChatMessage.user("Weather?"),), tools=tools, tool_choice="required")

    final = (await collect(model(server), request))[-1]

    assert final.finish_reason == "tool_calls"
    assert final.tool_calls == (ToolCall("toolu_1", "get_weather", '{"city": "Paris"}'), ToolCall("toolu_2", "get_time", "{}"))
    body = server.requests[0]["json"]
    assert body["tools"][0] == {"name": "get_weather", "description": "Weather of a city",
                                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}
    assert body["tools"][1]["input_schema"] == {"type": "object", "properties": {}}
    assert body["tool_choice"] == {"type": "any"}


async def test_a_tool_round_trip_is_sent_as_tool_use_and_tool_result_blocks(server):
    messages = (
        ChatMessage.user("Weather in Paris?"),
        ChatMessage.assistant("", [ToolCall("toolu_1", "get_weather", '{"city": "Paris"}')]),
        ChatMessage.tool("18°C and sunny", "toolu_1"),
        ChatMessage.user("And tomorrow?"),
    )
    await collect(model(server), ChatRequest(model="claude", messages=messages))

    assert server.requests[0]["json"]["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "Weather in Paris?"}]},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]},
        # The tool result and the next question are one user turn: the API wants the roles to alternate.
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "18°C and sunny"},
                                     {"type": "text", "text": "And tomorrow?"}]},
    ]


async def test_thinking_blocks_are_not_part_of_the_answer(server):
    server.replies = [AnthropicReply(thinking="Hmm, a greeting.")]
    chunks = await collect(model(server))
    assert "".join(c.delta for c in chunks) == "Hello world"


async def test_a_non_streaming_model_reads_the_whole_message(server):
    server.replies = [AnthropicReply(whole_message=True, deltas=("Hello world",), input_tokens=9, output_tokens=2,
                                     stop_reason="max_tokens", tool_uses=(ToolUse("toolu_9", "lookup", ('{"q": 1}',)),))]

    chunks = await collect(model(server, streaming=False))

    assert server.requests[0]["json"]["stream"] is False
    assert [c.delta for c in chunks[:-1]] == ["Hello world"]
    assert chunks[-1].usage == Usage(9, 2, 11) and chunks[-1].finish_reason == "length"
    assert chunks[-1].tool_calls == (ToolCall("toolu_9", "lookup", '{"q": 1}'),)


async def test_a_gateway_answering_json_to_a_stream_request_is_read_too(server):
    server.replies = [AnthropicReply(whole_message=True, deltas=("buffered",))]
    chunks = await collect(model(server))
    assert [c.delta for c in chunks[:-1]] == ["buffered"] and chunks[-1].finish_reason == "stop"


async def test_without_reported_usage_the_tokens_are_counted(server):
    server.replies = [AnthropicReply(input_tokens=None, output_tokens=None)]
    final = (await collect(model(server)))[-1]
    assert final.usage.prompt_tokens > 0 and final.usage.completion_tokens == COUNTER.count_text("Hello world", REQUEST.model)


async def test_rate_limits_and_overloads_before_the_first_token_are_retried(server):
    server.replies = [
        AnthropicReply(status=429, error={"type": "rate_limit_error", "message": "slow down"}, headers={"retry-after": "0"}),
        AnthropicReply(status=529, error={"type": "overloaded_error", "message": "Overloaded"}),
        AnthropicReply(),
    ]
    chunks = await collect(model(server))
    assert "".join(c.delta for c in chunks) == "Hello world" and len(server.requests) == 3


async def test_an_overloaded_event_before_the_first_token_is_retried(server):
    server.replies = [AnthropicReply(stream_error={"type": "overloaded_error", "message": "Overloaded"}), AnthropicReply()]
    chunks = await collect(model(server))
    assert "".join(c.delta for c in chunks) == "Hello world" and len(server.requests) == 2


async def test_an_error_event_after_the_first_token_is_raised_not_retried(server):
    server.replies = [AnthropicReply(stream_error={"type": "overloaded_error", "message": "Overloaded"}, error_after=1)]
    with pytest.raises(CompletionRequestError, match="Overloaded"):
        await collect(model(server))
    assert len(server.requests) == 1


@pytest.mark.parametrize(("reply", "error", "message"), [
    (AnthropicReply(status=401, error={"type": "authentication_error", "message": "invalid x-api-key"}),
     CompletionRequestError, "invalid x-api-key"),
    (AnthropicReply(status=400, error={"type": "invalid_request_error",
                                       "message": "Your credit balance is too low to access the Anthropic API."}),
     ProviderQuotaExceeded, "credit balance"),
    (AnthropicReply(status=404, error={"type": "not_found_error", "message": "model: claude-x"}),
     CompletionRequestError, "claude-x"),
])
async def test_refusals_map_to_domain_errors_without_retry(server, reply, error, message):
    server.replies = [reply]
    with pytest.raises(error, match=message):
        await collect(model(server))
    assert len(server.requests) == 1


async def test_a_rate_limit_that_persists_is_a_rate_limit_error(server):
    server.replies = [AnthropicReply(status=429, error={"type": "rate_limit_error", "message": "slow down"})] * 3
    with pytest.raises(RateLimitError, match="slow down"):
        await collect(model(server))


async def test_a_stream_that_ends_without_message_stop_is_an_error(server):
    server.replies = [AnthropicReply(send_stop=False)]
    with pytest.raises(CompletionRequestError, match="ended before"):
        await collect(model(server))


async def test_closing_the_iterator_early_stops_cleanly(server):
    stream = model(server).stream(REQUEST)
    first = await anext(stream)
    await stream.aclose()
    assert first.delta == "Hel"
    assert json.loads(json.dumps(server.requests[0]["json"]))["stream"] is True
