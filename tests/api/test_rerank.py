"""Reranking over a loopback Cohere/Jina-style `/rerank` server: dataset retrieval and knowledge-retrieval
nodes, and a node naming datasets that do not exist."""

import asyncio
import json
import uuid

import pytest
import yaml

from tests.api.helpers import bearer
from tests.polling import eventually

FACTS = (
    "Refunds are paid within fourteen days.\n\n"
    "The office dog is called Biscuit.\n\n"
    "Passwords rotate every ninety days.\n\n"
    "The canteen opens at noon."
)
RERANKER = "langgenius/xinference/xinference"


class FakeReranker:
    """POST /v1/rerank on loopback. Scores a document by how late it was sent (the last one scores 1.0),
    so the answer reverses whatever order retrieval had; `fail` answers that status instead."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.fail: int | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)

    @property
    def server_url(self) -> str:
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode()
        length = next(int(line.split(":")[1]) for line in head.split("\r\n") if line.lower().startswith("content-length"))
        request = json.loads(await reader.readexactly(length))
        self.requests.append({"path": head.split(" ")[1], "auth": "authorization: bearer sk-rr" in head.lower(), **request})
        if self.fail:
            status, body = self.fail, json.dumps({"detail": "model not loaded"}).encode()
        else:
            n = len(request["documents"])
            results = [{"index": i, "relevance_score": (i + 1) / n} for i in reversed(range(n))][: request["top_n"]]
            status, body = 200, json.dumps({"id": "r", "results": results}).encode()
        writer.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (status, len(body)) + body)
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def reranker(console):
    server = FakeReranker()
    await server.start()
    saved = await console.client.post(
        "/console/api/workspaces/current/model-providers/xinference/credentials", headers=console.headers,
        json={"credentials": {"server_url": server.server_url, "api_key": "sk-rr",
                              "models": [{"name": "bge-reranker", "mode": "rerank"}]}},
    )
    assert saved.status_code == 200, await saved.get_json()
    yield server
    await server.stop()


async def _dataset(console, text: str = FACTS, rule: dict | None = None, **body) -> tuple[str, str]:
    key = (await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json())["token"]
    dataset = await (await console.client.post("/v1/datasets", headers=bearer(key), json={
        "name": "Facts", "indexing_technique": "high_quality", **body})).get_json()
    rule = rule or {"mode": "custom", "rules": {"pre_processing_rules": [], "segmentation": {
        "separator": "\\n\\n", "max_tokens": 100}}}
    document = {"name": "facts", "text": text, "process_rule": rule}
    if rule["mode"] == "hierarchical":
        document["doc_form"] = "hierarchical_model"
    created = await (await console.client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text", headers=bearer(key),
                                               json=document)).get_json()

    async def completed() -> bool:
        status = await (await console.client.get(
            f"/v1/datasets/{dataset['id']}/documents/{created['batch']}/indexing-status", headers=bearer(key))).get_json()
        return status["data"][0]["indexing_status"] == "completed"

    await eventually(completed, timeout=60, what="the facts indexed")
    return key, dataset["id"]


def _rerank_model(method: str, top_k: int, **extra) -> dict:
    return {"search_method": method, "top_k": top_k, "reranking_enable": True, "score_threshold_enabled": False,
            "reranking_model": {"reranking_provider_name": RERANKER, "reranking_model_name": "bge-reranker"}, **extra}


async def _retrieve(console, key, dataset_id, model):
    return await console.client.post(f"/v1/datasets/{dataset_id}/retrieve", headers=bearer(key),
                                     json={"query": "what is the office dog called", "retrieval_model": model})


@pytest.mark.parametrize("method", ["semantic_search", "full_text_search", "hybrid_search"])
async def test_dataset_retrieval_follows_the_rerank_models_order_and_top_k(console, reranker, method):
    key, dataset_id = await _dataset(console)
    extra = {"reranking_mode": "reranking_model"} if method == "hybrid_search" else {}
    response = await _retrieve(console, key, dataset_id, _rerank_model(method, 2, **extra))
    assert response.status_code == 200, await response.get_json()
    records = (await response.get_json())["records"]
    [sent] = reranker.requests
    assert sent["path"] == "/v1/rerank" and sent["auth"] and sent["model"] == "bge-reranker"
    assert sent["query"] == "what is the office dog called" and sent["top_n"] == 2
    assert [r["segment"]["content"] for r in records] == sent["documents"][::-1][:2]
    assert records[0]["score"] == 1.0 and len(records) == 2


async def test_the_threshold_compares_rerank_scores_and_weighted_hybrid_calls_no_reranker(console, reranker):
    key, dataset_id = await _dataset(console)
    model = _rerank_model("semantic_search", 4, score_threshold_enabled=True, score_threshold=0.6)
    records = (await (await _retrieve(console, key, dataset_id, model)).get_json())["records"]
    sent = reranker.requests[-1]["documents"]
    assert [r["score"] for r in records] == [(i + 1) / len(sent) for i in reversed(range(len(sent)))
                                             if (i + 1) / len(sent) >= 0.6]
    weighted = _rerank_model("hybrid_search", 2, reranking_mode="weighted_score")
    assert (await _retrieve(console, key, dataset_id, weighted)).status_code == 200
    assert len(reranker.requests) == 1


async def test_rerank_failures_are_dify_provider_errors(console, reranker):
    key, dataset_id = await _dataset(console)
    reranker.fail = 500
    failed = await _retrieve(console, key, dataset_id, _rerank_model("semantic_search", 2))
    body = await failed.get_json()
    assert (failed.status_code, body["code"]) == (400, "completion_request_error") and "model not loaded" in body["message"]
    unknown = _rerank_model("semantic_search", 2)
    unknown["reranking_model"]["reranking_model_name"] = "no-such-reranker"
    missing = await _retrieve(console, key, dataset_id, unknown)
    assert (missing.status_code, (await missing.get_json())["code"]) == (400, "provider_not_initialize")


def _workflow(dataset_ids: list[str], config: dict) -> str:
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    graph = {
        "nodes": [
            node("start", {"type": "start", "title": "Start", "variables": [
                {"variable": "question", "label": "Question", "type": "text-input", "required": True}]}),
            node("kr", {"type": "knowledge-retrieval", "title": "Facts", "dataset_ids": dataset_ids,
                        "query_variable_selector": ["start", "question"], "retrieval_mode": "multiple",
                        "multiple_retrieval_config": config}),
            node("end", {"type": "end", "title": "End", "outputs": [{"variable": "found", "value_selector": ["kr", "result"]}]}),
        ],
        "edges": [{"id": "a", "source": "start", "target": "kr", "sourceHandle": "source"},
                  {"id": "b", "source": "kr", "target": "end", "sourceHandle": "source"}],
    }
    return yaml.safe_dump({"app": {"name": "Facts bot", "mode": "workflow"}, "kind": "app", "version": "0.3.1",
                           "workflow": {"graph": graph, "features": {}}})


async def _run(console, dataset_ids, config) -> tuple[dict, dict]:
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": _workflow(dataset_ids, config),
                                           "publish": True}, headers=console.headers)).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    key = await console.create_app_key(imported["app_id"])
    response = await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"question": "what is the office dog called"}, "response_mode": "streaming", "user": "alice"})
    events = [json.loads(b[6:]) for b in (await response.get_data()).decode().strip().split("\n\n") if b.startswith("data: ")]
    node = next(e["data"] for e in events if e["event"] == "node_finished" and e["data"]["node_type"] == "knowledge-retrieval")
    return events[-1], node


async def test_a_node_naming_missing_datasets_finds_nothing_and_the_run_goes_on(console):
    missing = [str(uuid.uuid4()), "not-a-uuid"]
    key = (await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json())["token"]
    empty = await (await console.client.post("/v1/datasets", headers=bearer(key), json={"name": "Empty"})).get_json()
    finished, node = await _run(console, [*missing, empty["id"]], {"top_k": 2})
    assert finished["data"]["status"] == "succeeded", finished
    assert finished["data"]["outputs"] == {"found": []}
    assert node["process_data"]["missing_dataset_ids"] == missing
    assert node["process_data"]["empty_dataset_ids"] == [empty["id"]]


async def test_a_node_reranks_the_records_of_all_its_datasets(console, reranker):
    _, dataset_id = await _dataset(console)
    config = {"top_k": 2, "reranking_enable": True, "reranking_mode": "reranking_model",
              "reranking_model": {"provider": RERANKER, "model": "bge-reranker"}}
    finished, node = await _run(console, [dataset_id, str(uuid.uuid4())], config)
    assert finished["data"]["status"] == "succeeded", finished
    [sent] = reranker.requests
    found = finished["data"]["outputs"]["found"]
    assert sent["top_n"] == 2 and len(sent["documents"]) == 2  # the node's top_k per dataset, then reranked
    assert [f["content"] for f in found] == sent["documents"][::-1]
    assert [f["metadata"]["score"] for f in found] == [1.0, 0.5]
    assert node["process_data"]["reranking_model"] == {"provider": RERANKER, "model": "bge-reranker"}


async def test_a_failing_reranker_fails_the_node_with_its_error(console, reranker):
    _, dataset_id = await _dataset(console)
    reranker.fail = 401
    config = {"top_k": 2, "reranking_model": {"provider": RERANKER, "model": "bge-reranker"}}
    finished, node = await _run(console, [dataset_id], config)
    assert finished["data"]["status"] == "failed"
    assert node["status"] == "failed" and "401" in node["error"] and "model not loaded" in node["error"]


async def test_a_rerank_model_added_as_dify_console_does_is_called_by_its_model_uid(console):
    server = FakeReranker()
    await server.start()
    try:
        added = await console.client.post(
            "/console/api/workspaces/current/model-providers/langgenius/xinference/xinference/models/credentials",
            headers=console.headers, json={"model": "bge-reranker", "model_type": "rerank",
                                           "credentials": {"server_url": server.server_url, "model_uid": "uid-7"}})
        assert added.status_code == 201, await added.get_json()
        key, dataset_id = await _dataset(console)
        response = await _retrieve(console, key, dataset_id, _rerank_model("semantic_search", 1))
        assert response.status_code == 200, await response.get_json()
        [sent] = server.requests
        assert sent["model"] == "uid-7" and sent["path"] == "/v1/rerank"
        assert [r["score"] for r in (await response.get_json())["records"]] == [1.0]
    finally:
        await server.stop()


async def test_parent_child_datasets_rerank_the_children_and_return_their_parents(console, reranker):
    rule = {"mode": "hierarchical", "rules": {
        "pre_processing_rules": [], "parent_mode": "paragraph", "segmentation": {"separator": "\\n\\n", "max_tokens": 500},
        "subchunk_segmentation": {"separator": "\\n", "max_tokens": 50}}}
    text = "Laptops\nEvery laptop has a two year warranty.\nBatteries are covered for one year.\n\n" \
           "Phones\nPhones ship in a recycled box.\nChargers are sold separately."
    key, dataset_id = await _dataset(console, text, rule)
    response = await _retrieve(console, key, dataset_id, _rerank_model("semantic_search", 1))
    [record] = (await response.get_json())["records"]
    [sent] = reranker.requests
    assert sent["top_n"] == len(sent["documents"]) > 1  # children: the parents are cut to top_k afterwards
    assert all(d in text and "\n" not in d for d in sent["documents"])
    assert record["child_chunks"][0]["content"] == sent["documents"][-1] and record["score"] == 1.0
    assert record["segment"]["content"].split("\n")[0] in ("Laptops", "Phones")


async def test_a_single_mode_node_searches_by_each_datasets_own_retrieval_model(console, reranker):
    _, dataset_id = await _dataset(console, retrieval_model=_rerank_model("full_text_search", 3))
    imported = _workflow([dataset_id], {}).replace("retrieval_mode: multiple", "retrieval_mode: single")
    assert "retrieval_mode: single" in imported
    app = await (await console.client.post("/console/api/apps/imports", json={
        "mode": "yaml-content", "yaml_content": imported, "publish": True}, headers=console.headers)).get_json()
    key = await console.create_app_key(app["app_id"])
    ran = await (await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"question": "the office dog days"}, "response_mode": "blocking", "user": "bob"})).get_json()
    assert ran["data"]["status"] == "succeeded", ran
    [sent] = reranker.requests
    assert sent["top_n"] == 3 and sent["query"] == "the office dog days"
    assert [f["content"] for f in ran["data"]["outputs"]["found"]] == sent["documents"][::-1][:3]
