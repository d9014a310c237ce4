"""A Dify-style DSL imported, published and run through the Service API, in every response mode."""

import json
from pathlib import Path

import pytest

from tests.api.helpers import bearer
from tests.polling import eventually

DSL = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "triage.yml").read_text()


@pytest.fixture
async def workflow_app(console):
    imported = await console.client.post("/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": DSL},
                                         headers=console.headers)
    body = await imported.get_json()
    assert imported.status_code == 200 and body["status"].startswith("completed") and not body["error"], body
    app_id = body["app_id"]
    published = await console.client.post(f"/console/api/apps/{app_id}/workflows/publish", headers=console.headers)
    assert published.status_code == 200
    return app_id, await console.create_app_key(app_id)


async def _run(console, key, ticket, mode="blocking"):
    return await console.client.post(
        "/v1/workflows/run", json={"inputs": {"ticket": ticket}, "response_mode": mode, "user": "alice"}, headers=bearer(key)
    )


async def test_blocking_runs_follow_the_branch_and_store_the_run(console, workflow_app):
    _, key = workflow_app
    response = await _run(console, key, "printer on floor three is on fire again today")
    body = await response.get_json()
    assert response.status_code == 200, body
    data = body["data"]
    assert data["status"] == "succeeded" and data["outputs"] == {"reply": "Support will look at your 9-word ticket.", "words": 9}
    assert data["total_steps"] == 6 and data["finished_at"] >= data["created_at"]
    short = await (await _run(console, key, "help")).get_json()
    assert short["data"]["outputs"]["reply"] == "Thanks! (HELP)"

    detail = await (await console.client.get(f"/v1/workflows/run/{body['workflow_run_id']}", headers=bearer(key))).get_json()
    assert detail["status"] == "succeeded" and json.loads(detail["inputs"]) == {"ticket": "printer on floor three is on fire again today"}
    logs = await (await console.client.get("/v1/workflows/logs", headers=bearer(key))).get_json()
    assert logs["total"] == 2 and logs["data"][0]["created_by_end_user"]["session_id"] == "alice"


async def test_streaming_sends_difys_workflow_events(console, workflow_app):
    _, key = workflow_app
    raw = (await (await _run(console, key, "help", "streaming")).get_data()).decode()
    events = [json.loads(b[6:]) for b in raw.strip().split("\n\n") if b.startswith("data: ")]
    names = [e["event"] for e in events]
    assert names[0] == "workflow_started" and names[-1] == "workflow_finished"
    assert names.count("node_started") == names.count("node_finished") == 6
    finished_nodes = [e["data"]["title"] for e in events if e["event"] == "node_finished"]
    assert "Short reply" in finished_nodes and "Long reply" not in finished_nodes
    assert len({e["workflow_run_id"] for e in events}) == 1 and all(e["task_id"] for e in events)
    assert events[-1]["data"]["created_by"]["user"] == "alice"  # Dify names the end user by its session id


async def test_async_mode_answers_202_and_the_run_can_be_polled_and_replayed(console, workflow_app):
    _, key = workflow_app
    response = await _run(console, key, "help", "async")
    body = await response.get_json()
    assert response.status_code == 202 and body["data"]["status"] == "running"
    run_id = body["workflow_run_id"]
    async def ended() -> dict | None:
        detail = await (await console.client.get(f"/v1/workflows/run/{run_id}", headers=bearer(key))).get_json()
        return detail if detail["status"] != "running" else None

    detail = await eventually(ended, timeout=20, what="the async run ended")
    assert detail["status"] == "succeeded" and detail["outputs"]["reply"] == "Thanks! (HELP)"
    replay = await console.client.get(f"/v1/workflow/{run_id}/events", query_string={"user": "alice"}, headers=bearer(key))
    events = [json.loads(b[6:]) for b in (await replay.get_data()).decode().strip().split("\n\n") if b.startswith("data: ")]
    assert events[0]["event"] == "workflow_started" and events[-1]["event"] == "workflow_finished"


async def test_bad_inputs_and_unpublished_apps_are_refused(console, workflow_app):
    _, key = workflow_app
    response = await console.client.post("/v1/workflows/run", json={"inputs": {}, "user": "alice"}, headers=bearer(key))
    assert response.status_code == 400 and (await response.get_json())["code"] == "invalid_param"
    draft_only = await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": DSL}, headers=console.headers
    )
    other_key = await console.create_app_key((await draft_only.get_json())["app_id"])
    unpublished = await _run(console, other_key, "help")
    assert unpublished.status_code == 400 and "not published" in (await unpublished.get_json())["message"]


async def test_export_then_import_gives_the_same_graph(console, workflow_app):
    app_id, _ = workflow_app
    exported = (await (await console.client.get(f"/console/api/apps/{app_id}/export", headers=console.headers)).get_json())["data"]
    again = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": exported}, headers=console.headers
    )).get_json()
    first = await (await console.client.get(f"/console/api/apps/{app_id}/workflows/draft", headers=console.headers)).get_json()
    second = await (await console.client.get(f"/console/api/apps/{again['app_id']}/workflows/draft", headers=console.headers)).get_json()
    assert first["graph"] == second["graph"] and first["environment_variables"] == second["environment_variables"]


async def test_unknown_node_types_are_named_at_import_and_fail_the_run_clearly(console):
    dsl = DSL.replace("type: template-transform\n        title: Short reply", "type: knowledge-index\n        title: Short reply")
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": dsl, "publish": True}, headers=console.headers
    )).get_json()
    assert imported["status"] == "completed-with-warnings" and "knowledge-index" in imported["error"]
    key = await console.create_app_key(imported["app_id"])
    body = await (await _run(console, key, "help")).get_json()
    assert body["data"]["status"] == "failed" and "knowledge-index" in body["data"]["error"]


async def test_a_broken_dsl_is_refused_and_creates_nothing(console):
    before = (await (await console.client.get("/console/api/apps", headers=console.headers)).get_json())["total"]
    response = await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": "app: [unclosed"}, headers=console.headers
    )
    assert response.status_code == 400 and (await response.get_json())["status"] == "failed"
    after = (await (await console.client.get("/console/api/apps", headers=console.headers)).get_json())["total"]
    assert after == before


SLOW_DSL = """
app: {name: Slow, mode: workflow}
kind: app
version: 0.3.1
workflow:
  graph:
    nodes:
    - {id: s, type: custom, data: {type: start, title: Start, variables: []}}
    - id: wait
      type: custom
      data:
        type: code
        title: Wait
        code_language: python3
        code: "import time\\ndef main() -> dict:\\n    time.sleep(8)\\n    return {'done': 'yes'}\\n"
        variables: []
        outputs: {done: {type: string, children: null}}
    - {id: e, type: custom, data: {type: end, title: End, outputs: [{variable: done, value_selector: [wait, done]}]}}
    edges:
    - {id: s-wait, source: s, target: wait, sourceHandle: source}
    - {id: wait-e, source: wait, target: e, sourceHandle: source}
"""


async def test_a_running_workflow_stops_from_another_request(console):
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": SLOW_DSL, "publish": True},
        headers=console.headers)).get_json()
    key = await console.create_app_key(imported["app_id"])
    started = await console.client.post("/v1/workflows/run", headers=bearer(key),
                                        json={"inputs": {}, "response_mode": "async", "user": "alice"})
    task = await started.get_json()
    stop = await console.client.post(f"/v1/workflows/tasks/{task['task_id']}/stop", json={"user": "alice"}, headers=bearer(key))
    assert await stop.get_json() == {"result": "success"}
    async def ended() -> dict | None:
        detail = await (await console.client.get(f"/v1/workflows/run/{task['workflow_run_id']}", headers=bearer(key))).get_json()
        return detail if detail["status"] != "running" else None

    detail = await eventually(ended, timeout=6, what="the stopped run ended")  # well before the node's own 8 s
    assert detail["status"] == "stopped" and detail["outputs"] == {}


async def test_run_durations_on_metrics_match_the_stored_runs(console, workflow_app):
    from prometheus_client.parser import text_string_to_metric_families

    app_id, key = workflow_app
    body = await (await _run(console, key, "help")).get_json()
    elapsed = body["data"]["elapsed_time"]
    async def recorded() -> dict | None:
        text = await (await console.client.get("/metrics")).get_data(as_text=True)
        samples = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples
                   if s.labels.get("app_id") == app_id and s.name.startswith("dify_workflow_duration_seconds_")}
        return samples if samples.get("dify_workflow_duration_seconds_count") == 1 else None

    samples = await eventually(recorded, timeout=15, what="the run's duration on /metrics")
    assert abs(samples["dify_workflow_duration_seconds_sum"] - elapsed) < 0.005


async def test_a_new_publish_is_run_at_once_though_the_published_version_is_remembered(console, workflow_app):
    app_id, key = workflow_app
    first = (await (await _run(console, key, "help")).get_json())["data"]["workflow_id"]
    assert (await (await _run(console, key, "help")).get_json())["data"]["workflow_id"] == first  # remembered

    published = await console.client.post(f"/console/api/apps/{app_id}/workflows/publish", headers=console.headers)
    assert published.status_code == 200
    after = (await (await _run(console, key, "help")).get_json())["data"]

    assert after["workflow_id"] != first and after["status"] == "succeeded"


async def test_a_stop_ends_the_node_it_interrupted_as_stopped_not_running(console):
    imported = await (await console.client.post(
        "/console/api/apps/imports", json={"mode": "yaml-content", "yaml_content": SLOW_DSL, "publish": True},
        headers=console.headers)).get_json()
    app_id, key = imported["app_id"], await console.create_app_key(imported["app_id"])
    task = await (await console.client.post("/v1/workflows/run", headers=bearer(key),
                                            json={"inputs": {}, "response_mode": "async", "user": "alice"})).get_json()
    nodes_path = f"/console/api/apps/{app_id}/workflow-runs/{task['workflow_run_id']}/node-executions"

    async def statuses() -> dict:
        listed = await (await console.client.get(nodes_path, headers=console.headers)).get_json()
        return {n["node_id"]: n["status"] for n in listed["data"]}

    async def waiting() -> dict | None:
        found = await statuses()
        return found if found.get("wait") == "running" else None

    await eventually(waiting, timeout=6, what="the code node running (its row checkpointed)")
    await console.client.post(f"/v1/workflows/tasks/{task['task_id']}/stop", json={"user": "alice"}, headers=bearer(key))

    async def ended() -> dict | None:
        found = await statuses()
        return found if found.get("wait") != "running" else None

    assert (await eventually(ended, timeout=6, what="the interrupted node ended"))["wait"] == "stopped"
