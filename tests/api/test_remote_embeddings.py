"""A dataset embedded by a workspace's OpenAI-compatible embedding model instead of the local one."""

import asyncio
import hashlib
import json
import math

import pytest

from tests.api.helpers import bearer
from tests.api.knowledge_helpers import wait_indexed

DIMENSION = 64


def _vector(text: str) -> list[float]:
    """Bag of words hashed into 64 buckets: texts sharing words point the same way."""
    vector = [0.0] * DIMENSION
    for word in text.lower().replace(".", " ").replace("?", " ").split():
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIMENSION] += 1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class FakeEmbeddings:
    """POST /v1/embeddings on loopback, OpenAI's request and response shapes."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/v1"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        length = next(int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length"))
        request = json.loads(await reader.readexactly(length))
        self.requests.append(request)
        texts = request["input"] if isinstance(request["input"], list) else [request["input"]]
        body = json.dumps({"object": "list", "model": request["model"], "usage": {"prompt_tokens": 1, "total_tokens": 1},
                           "data": [{"object": "embedding", "index": i, "embedding": _vector(t)} for i, t in enumerate(texts)]}).encode()
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def embeddings():
    server = FakeEmbeddings()
    await server.start()
    yield server
    await server.stop()


@pytest.mark.parametrize("provider", ["openai_api_compatible", "langgenius/openai_api_compatible/openai_api_compatible"])
async def test_a_dataset_indexes_and_retrieves_with_a_remote_embedding_model(console, embeddings, provider):
    """The dataset may name the provider as Dify >= 1.0 does (plugin id) or by its bare name."""
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials", headers=console.headers,
        json={"credentials": {"api_key": "sk-embed", "endpoint_url": embeddings.base_url,
                              "models": [{"name": "bow-embed", "mode": "embedding", "dimension": DIMENSION}]}},
    )
    assert saved.status_code == 200
    key = (await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json())["token"]
    listed = await (await console.client.get("/v1/workspaces/current/models/model-types/text-embedding",
                                             headers=bearer(key))).get_json()
    assert "bow-embed" in json.dumps(listed)

    dataset = await (await console.client.post("/v1/datasets", headers=bearer(key), json={
        "name": "Remote", "indexing_technique": "high_quality",
        "embedding_model_provider": provider, "embedding_model": "bow-embed"})).get_json()
    assert (dataset["embedding_model_provider"], dataset["embedding_model"]) == (provider, "bow-embed")
    text = "Refunds are paid within fourteen days.\n\nThe office dog is called Biscuit.\n\nPasswords rotate every ninety days."
    rule = {"mode": "custom", "rules": {"pre_processing_rules": [], "segmentation": {"separator": "\\n\\n", "max_tokens": 60}}}
    created = await (await console.client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text", headers=bearer(key),
                                               json={"name": "facts", "text": text, "process_rule": rule})).get_json()
    [status] = await wait_indexed(console.client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", status
    found = await (await console.client.post(f"/v1/datasets/{dataset['id']}/retrieve", headers=bearer(key), json={
        "query": "what is the dog called", "retrieval_model": {"search_method": "semantic_search", "top_k": 1,
                                                               "reranking_enable": False}})).get_json()
    assert found["records"][0]["segment"]["content"].startswith("The office dog")
    assert all(r["model"] == "bow-embed" for r in embeddings.requests) and len(embeddings.requests) >= 2


async def test_a_catalogue_providers_predefined_embedding_model_indexes_a_dataset(console, embeddings):
    """An OpenAI key alone (no model added) offers text-embedding-3-small, and the console's knowledge page
    creates a high-quality dataset with it: that was refused as "not available in this workspace"."""
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/langgenius/openai/openai/credentials", headers=console.headers,
        json={"credentials": {"openai_api_key": "sk-openai", "openai_api_base": embeddings.base_url}},
    )
    assert saved.status_code == 200, await saved.get_json()
    key = (await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json())["token"]
    dataset = await (await console.client.post("/v1/datasets", headers=bearer(key), json={
        "name": "OpenAI embedded", "indexing_technique": "high_quality",
        "embedding_model_provider": "langgenius/openai/openai", "embedding_model": "text-embedding-3-small"})).get_json()
    assert dataset.get("embedding_model") == "text-embedding-3-small", dataset
    text = "The office dog is called Biscuit.\n\nPasswords rotate every ninety days."
    rule = {"mode": "custom", "rules": {"pre_processing_rules": [], "segmentation": {"separator": "\\n\\n", "max_tokens": 60}}}
    created = await (await console.client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text", headers=bearer(key),
                                               json={"name": "facts", "text": text, "process_rule": rule})).get_json()
    [status] = await wait_indexed(console.client, key, dataset["id"], created["batch"])
    assert status["indexing_status"] == "completed", (status.get("error"), embeddings.requests)
    assert {r["model"] for r in embeddings.requests} == {"text-embedding-3-small"}
