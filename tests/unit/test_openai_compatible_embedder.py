"""The OpenAI-compatible embedder against a scripted HTTP server (httpx.MockTransport)."""

import json
import math

import httpx
import pytest

from adapters.embeddings.openai_compatible import OpenAICompatibleEmbedder
from domain.knowledge.errors import EmbeddingUnavailable


class Server:
    """Answers /embeddings with [len(text), 1, 0] per text, after the scripted failures."""

    def __init__(self, failures=()):
        self.failures = list(failures)
        self.requests = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append((request, body))
        if self.failures:
            return self.failures.pop(0)
        data = [{"index": i, "embedding": [float(len(t)), 1.0, 0.0]} for i, t in enumerate(body["input"])]
        return httpx.Response(200, json={"object": "list", "data": list(reversed(data)), "model": body["model"]})


def embedder(server, **options):
    waits = []

    async def sleep(seconds):
        waits.append(seconds)

    client = httpx.AsyncClient(transport=httpx.MockTransport(server))
    made = OpenAICompatibleEmbedder("http://llm.local/v1/", "sk-test", "text-embedding-3-small", client=client, sleep=sleep, **options)
    return made, waits


async def test_texts_are_sent_in_batches_and_come_back_in_order_normalised():
    server = Server()
    model, _ = embedder(server, batch_size=2)
    vectors = await model.embed_documents(["a", "bbb", "cc", ""])
    assert [len(body["input"]) for _, body in server.requests] == [2, 2]
    request, body = server.requests[0]
    assert str(request.url) == "http://llm.local/v1/embeddings"
    assert request.headers["authorization"] == "Bearer sk-test" and body["model"] == "text-embedding-3-small"
    assert [v[0] / v[1] for v in vectors] == pytest.approx([1, 3, 2, 1])  # "" went as " "
    assert all(math.isclose(math.hypot(*v), 1) for v in vectors)
    assert model.dimension == 3
    assert await model.embed_documents([]) == []


async def test_rate_limits_and_server_errors_are_retried_with_backoff():
    server = Server([httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(503, json={"error": {"message": "busy"}})])
    model, waits = embedder(server)
    assert len(await model.embed_query("hello")) == 3
    assert len(server.requests) == 3
    assert waits[0] == 2 and 0 < waits[1] <= 1


async def test_a_client_error_fails_at_once_with_the_servers_message():
    server = Server([httpx.Response(401, json={"error": {"message": "Incorrect API key provided"}})])
    model, waits = embedder(server)
    with pytest.raises(EmbeddingUnavailable, match="HTTP 401: Incorrect API key provided"):
        await model.embed_query("hello")
    assert waits == [] and len(server.requests) == 1


async def test_giving_up_after_the_last_retry():
    server = Server([httpx.Response(500)] * 3)
    model, waits = embedder(server, max_retries=2)
    with pytest.raises(EmbeddingUnavailable, match="HTTP 500"):
        await model.embed_query("hello")
    assert len(waits) == 2 and waits[1] >= waits[0]  # the backoff grows


async def test_a_vector_of_another_dimension_is_refused():
    model, _ = embedder(Server(), dimension=1536)
    with pytest.raises(EmbeddingUnavailable, match="expected vectors of dimension 1536, got 3"):
        await model.embed_query("hello")
