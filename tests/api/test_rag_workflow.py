"""The issue's end-to-end flow: start → knowledge-retrieval → llm → if-else → code → end, imported as
Dify DSL, run streaming against a real dataset and a loopback OpenAI-compatible model."""

import asyncio
import json

import yaml

from tests.api.chat_helpers import configure_provider, make_app
from tests.api.helpers import bearer
from tests.integration.openai_stub_server import Reply
from tests.polling import eventually

HANDBOOK = (
    "Refunds are paid within 14 days of the return reaching our warehouse.\n\n"
    "Our office dog is called Biscuit and likes long walks.\n\n"
    "Passwords must be rotated every 90 days by every employee."
)


def _dsl(dataset_id: str) -> str:
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t, h="source": {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": h}  # noqa: E731
    graph = {
        "nodes": [
            node("start", {"type": "start", "title": "Start", "variables": [
                {"variable": "question", "label": "Question", "type": "text-input", "required": True}]}),
            node("kr", {"type": "knowledge-retrieval", "title": "Handbook", "dataset_ids": [dataset_id],
                        "query_variable_selector": ["start", "question"], "retrieval_mode": "multiple",
                        "multiple_retrieval_config": {"top_k": 1}}),
            node("llm", {"type": "llm", "title": "Answer", "model": {
                "provider": "openai_api_compatible", "name": "stub-model", "mode": "chat", "completion_params": {}},
                "context": {"enabled": True, "variable_selector": ["kr", "result"]},
                "prompt_template": [
                    {"role": "system", "text": "Answer from this context: {{#context#}}"},
                    {"role": "user", "text": "{{#start.question#}}"}]}),
            node("if", {"type": "if-else", "title": "Mentions days?", "cases": [{"case_id": "true", "logical_operator": "and",
                        "conditions": [{"variable_selector": ["llm", "text"], "comparison_operator": "contains", "value": "days"}]}]}),
            node("code", {"type": "code", "title": "Shout", "code_language": "python3",
                          "code": "def main(text: str) -> dict:\n    return {'loud': text.upper()}\n",
                          "variables": [{"variable": "text", "value_selector": ["llm", "text"]}],
                          "outputs": {"loud": {"type": "string", "children": None}}}),
            node("end", {"type": "end", "title": "End", "outputs": [
                {"variable": "answer", "value_selector": ["llm", "text"]},
                {"variable": "loud", "value_selector": ["code", "loud"]}]}),
            node("end2", {"type": "end", "title": "No days", "outputs": [{"variable": "answer", "value_selector": ["llm", "text"]}]}),
        ],
        "edges": [edge("start", "kr"), edge("kr", "llm"), edge("llm", "if"), edge("if", "code", "true"),
                  edge("if", "end2", "false"), edge("code", "end")],
    }
    return yaml.safe_dump({"app": {"name": "Handbook bot", "mode": "workflow"}, "kind": "app", "version": "0.3.1",
                           "workflow": {"graph": graph, "features": {}}})


async def _indexed_dataset(console) -> str:
    key = (await (await console.client.post("/console/api/datasets/api-keys", headers=console.headers)).get_json())["token"]
    dataset = await (await console.client.post("/v1/datasets", json={"name": "Handbook", "indexing_technique": "high_quality"},
                                                headers=bearer(key))).get_json()
    rule = {"mode": "custom", "rules": {"pre_processing_rules": [], "segmentation": {"separator": "\\n\\n", "max_tokens": 100}}}
    created = await (await console.client.post(f"/v1/datasets/{dataset['id']}/document/create-by-text", headers=bearer(key),
                                               json={"name": "handbook", "text": HANDBOOK, "process_rule": rule})).get_json()
    async def completed() -> bool:
        status = await (await console.client.get(
            f"/v1/datasets/{dataset['id']}/documents/{created['batch']}/indexing-status", headers=bearer(key))).get_json()
        return status["data"][0]["indexing_status"] == "completed"

    await eventually(completed, timeout=60, what="the handbook indexed")
    return dataset["id"]


async def test_retrieval_feeds_the_llm_whose_tokens_stream_and_whose_answer_branches(console, upstream):
    await configure_provider(console, upstream)
    dataset_id = await _indexed_dataset(console)
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": _dsl(dataset_id), "publish": True},
        headers=console.headers)).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    key = await console.create_app_key(imported["app_id"])
    upstream.replies.append(Reply(deltas=("Within ", "14 days", "."), delay=0.01))

    response = await console.client.post("/v1/workflows/run", headers=bearer(key), json={
        "inputs": {"question": "How long do refunds take?"}, "response_mode": "streaming", "user": "alice"})
    events = [json.loads(b[6:]) for b in (await response.get_data()).decode().strip().split("\n\n") if b.startswith("data: ")]
    finished = events[-1]
    assert finished["event"] == "workflow_finished" and finished["data"]["status"] == "succeeded", finished
    assert finished["data"]["outputs"] == {"answer": "Within 14 days.", "loud": "WITHIN 14 DAYS."}
    chunks = [e["data"]["text"] for e in events if e["event"] == "text_chunk"]
    assert "".join(chunks).startswith("Within 14 days.")
    system_prompt = upstream.requests[-1]["json"]["messages"][0]["content"]
    assert "Refunds are paid within 14 days" in system_prompt and "Biscuit" not in system_prompt
    titles = [e["data"]["title"] for e in events if e["event"] == "node_finished"]
    assert titles == ["Start", "Handbook", "Answer", "Mentions days?", "Shout", "End"]
    llm = next(e for e in events if e["event"] == "node_finished" and e["data"]["node_type"] == "llm")
    assert llm["data"]["execution_metadata"]["total_tokens"] == 14
    assert finished["data"]["total_tokens"] == 14


async def test_a_chat_app_with_a_dataset_answers_from_it_and_cites_it(console, upstream):
    await configure_provider(console, upstream)
    dataset_id = await _indexed_dataset(console)
    chat = await make_app(console, upstream, dataset_configs={
        "retrieval_model": "multiple", "top_k": 1,
        "datasets": {"datasets": [{"dataset": {"enabled": True, "id": dataset_id}}]},
    })
    status, body = await chat.send("When do I get my refund?")
    assert status == 200, body
    [resource] = body["metadata"]["retriever_resources"]
    assert resource["dataset_id"] == dataset_id and resource["dataset_name"] == "Handbook"
    assert "14 days" in resource["content"] and resource["position"] == 1 and resource["score"] > 0
    system_prompt = upstream.requests[-1]["json"]["messages"][0]["content"]
    assert "<context>" in system_prompt and "Refunds are paid within 14 days" in system_prompt


async def test_concurrent_runs_with_model_and_retrieval_nodes_do_not_share_a_transaction(console, upstream):
    await configure_provider(console, upstream)
    dataset_id = await _indexed_dataset(console)
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": _dsl(dataset_id), "publish": True},
        headers=console.headers)).get_json()
    key = await console.create_app_key(imported["app_id"])
    for _ in range(6):
        upstream.replies.append(Reply(deltas=("Within ", "14 days", "."), delay=0.02))

    async def one(i: int) -> str:
        response = await console.client.post("/v1/workflows/run", headers=bearer(key), json={
            "inputs": {"question": f"How long do refunds take? ({i})"}, "response_mode": "blocking", "user": f"u{i}"})
        return (await response.get_json())["data"]["status"]

    assert await asyncio.gather(*(one(i) for i in range(6))) == ["succeeded"] * 6
