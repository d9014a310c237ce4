"""Trigger apps (Dify 1.10+) over real HTTP: a DSL with a webhook and a schedule trigger instead of a start node
imports and publishes; the webhook's URL (from the editor's panel) starts a run from its node with the call's
values, answered with the node's configured body and status; a call that does not match is refused and starts
nothing; a disabled trigger answers 404; a due schedule starts exactly one run; another workspace sees none."""

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import psycopg
import pytest
import yaml

from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.secret_cipher import AesGcmSecretCipher
from tests.api.console_web import set_up_console

WEBHOOK_NODE = {
    "type": "trigger-webhook", "title": "Order webhook", "method": "post", "content_type": "application/json",
    "headers": [{"name": "X-Shop", "required": True}],
    "params": [{"name": "page", "type": "number", "required": False}],
    "body": [{"name": "order", "type": "string", "required": True}, {"name": "count", "type": "number"}],
    "status_code": 202, "response_body": '{"accepted": true}',
}
SCHEDULE_NODE = {
    "type": "trigger-schedule", "title": "Nightly", "mode": "visual", "frequency": "daily",
    "visual_config": {"time": "2:30 AM"}, "timezone": "Europe/Paris",
}


def trigger_dsl(schedule: dict | None = None, with_start: bool = False) -> str:
    nodes = [
        {"id": "hook", "data": WEBHOOK_NODE},
        {"id": "nightly", "data": schedule or SCHEDULE_NODE},
        {"id": "say", "data": {
            "type": "template-transform", "title": "Say", "template": "order {{ order }} x{{ count }} from {{ shop }}",
            "variables": [
                {"variable": "order", "value_selector": ["hook", "order"]},
                {"variable": "count", "value_selector": ["hook", "count"]},
                {"variable": "shop", "value_selector": ["hook", "X_Shop"]},
            ],
        }},
        {"id": "tick", "data": {"type": "template-transform", "title": "Tick", "template": "tick", "variables": []}},
        {"id": "end", "data": {"type": "end", "title": "End", "outputs": [
            {"variable": "text", "value_selector": ["say", "output"]},
        ]}},
        {"id": "end2", "data": {"type": "end", "title": "End 2", "outputs": [
            {"variable": "text", "value_selector": ["tick", "output"]},
        ]}},
    ]
    edges = [
        {"source": "hook", "target": "say"}, {"source": "say", "target": "end"},
        {"source": "nightly", "target": "tick"}, {"source": "tick", "target": "end2"},
    ]
    if with_start:
        nodes.append({"id": "start", "data": {"type": "start", "title": "Start", "variables": []}})
        edges.append({"source": "start", "target": "say"})
    document = {
        "version": "0.5.0", "kind": "app",
        "app": {"name": "Orders", "mode": "workflow", "icon": "🤖", "description": ""},
        "workflow": {"graph": {"nodes": nodes, "edges": edges}, "features": {}, "environment_variables": [],
                     "conversation_variables": []},
    }
    return yaml.safe_dump(document, allow_unicode=True)


@pytest.fixture(scope="module")
def web(database_url, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WORKFLOW_SCHEDULE_POLL_SECONDS", "0.2")  # the in-process poller looks often
        with set_up_console(database_url, tmp_path_factory.mktemp("triggers") / "storage") as server:
            yield server


@pytest.fixture(scope="module")
def browser(web):
    return web.signed_in()


@pytest.fixture(scope="module")
def app_id(browser) -> str:
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": trigger_dsl()})
    assert imported.status_code == 200, imported.text
    assert imported.json()["status"] in ("completed", "completed-with-warnings"), imported.text
    app_id = imported.json()["app_id"]
    published = browser.post(f"/apps/{app_id}/workflows/publish", json={})
    assert published.status_code == 200, published.text
    return app_id


@pytest.fixture(scope="module")
def webhook_url(browser, app_id) -> str:
    panel = browser.get(f"/apps/{app_id}/workflows/triggers/webhook", params={"node_id": "hook"})
    assert panel.status_code == 200, panel.text
    body = panel.json()
    assert set(body) == {"id", "webhook_id", "webhook_url", "webhook_debug_url", "node_id", "created_at"}
    assert len(body["webhook_id"]) == 24 and body["node_id"] == "hook"
    assert body["webhook_url"].endswith(f"/triggers/webhook/{body['webhook_id']}")
    assert body["webhook_debug_url"].endswith(f"/triggers/webhook-debug/{body['webhook_id']}")
    return body["webhook_url"]


def runs(browser, app_id, triggered_from: str) -> list[dict]:
    listed = browser.get(f"/apps/{app_id}/workflow-runs", params={"triggered_from": triggered_from, "limit": 100})
    assert listed.status_code == 200, listed.text
    return listed.json()["data"]


def finished_run(browser, app_id, run_id: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run = browser.get(f"/apps/{app_id}/workflow-runs/{run_id}").json()
        if run["status"] != "running":
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} still running")


def test_the_published_triggers_are_listed_enabled(browser, app_id):
    listed = browser.get(f"/apps/{app_id}/triggers")
    assert listed.status_code == 200, listed.text
    triggers = {t["node_id"]: t for t in listed.json()["data"]}
    assert set(triggers) == {"hook", "nightly"}
    assert triggers["hook"]["trigger_type"] == "trigger-webhook" and triggers["hook"]["title"] == "Order webhook"
    assert triggers["nightly"]["trigger_type"] == "trigger-schedule"
    assert all(t["status"] == "enabled" and t["icon"] == "" and t["created_at"] for t in triggers.values())


def test_a_webhook_call_runs_the_workflow_from_its_node(browser, app_id, webhook_url):
    called = httpx.post(
        webhook_url, params={"page": "3"}, json={"order": "A-17", "count": 2, "note": "extra"},
        headers={"X-Shop": "north"},
    )
    assert called.status_code == 202, called.text
    assert called.json() == {"accepted": True}
    deadline = time.monotonic() + 30
    while not (found := runs(browser, app_id, "webhook")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(found) == 1
    run = finished_run(browser, app_id, found[0]["id"])
    assert run["status"] == "succeeded", run
    assert run["outputs"] == {"text": "order A-17 x2 from north"}
    assert run["inputs"]["webhook_body"] == {"order": "A-17", "count": 2, "note": "extra"}
    assert run["inputs"]["webhook_query_params"] == {"page": 3}
    nodes = browser.get(f"/apps/{app_id}/workflow-runs/{run['id']}/node-executions").json()["data"]
    # The run started from the webhook: the schedule's branch is not part of it.
    assert [n["node_id"] for n in nodes] == ["hook", "say", "end"]
    hook = nodes[0]["outputs"]
    assert hook["order"] == "A-17" and hook["count"] == 2 and hook["page"] == 3 and hook["X_Shop"] == "north"
    assert hook["_webhook_raw"]["body"]["note"] == "extra"
    assert "Remote-Addr" not in run["inputs"]["webhook_headers"] and run["inputs"]["webhook_headers"]["X-Shop"] == "north"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (dict(method="GET"), "HTTP method mismatch. Expected POST, got GET"),
        (dict(method="POST", content=b"order=1", headers={"Content-Type": "application/x-www-form-urlencoded",
                                                           "X-Shop": "n"}),
         "Content-type mismatch. Expected application/json, got application/x-www-form-urlencoded"),
        (dict(method="POST", json={"order": "A"}), "Required header missing: X-Shop"),
        (dict(method="POST", json={"count": 1}, headers={"X-Shop": "n"}), "Required body parameter missing: order"),
        (dict(method="POST", json={"order": "A", "count": "two"}, headers={"X-Shop": "n"}),
         "Parameter 'count' validation failed: expected number, got str"),
        (dict(method="POST", content=b"{not json", headers={"Content-Type": "application/json", "X-Shop": "n"}),
         "Invalid JSON body"),
    ],
)
def test_a_call_that_does_not_match_is_refused_and_starts_nothing(browser, app_id, webhook_url, call, message):
    before = len(runs(browser, app_id, "webhook"))
    method = call.pop("method")
    refused = httpx.request(method, webhook_url, **call)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "Bad Request", "message": message}
    assert len(runs(browser, app_id, "webhook")) == before


def test_a_page_on_any_origin_may_call_a_webhook(webhook_url):
    preflight = httpx.options(webhook_url, headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    called = httpx.post(webhook_url, json={"order": "C"}, headers={"X-Shop": "n", "Origin": "https://shop.example"})
    assert called.status_code == 202 and called.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in called.headers


def test_the_service_api_runs_a_trigger_app_from_its_first_trigger(web, browser, app_id):
    key = browser.post(f"/apps/{app_id}/api-keys")
    assert key.status_code == 201, key.text
    ran = httpx.post(
        f"{web.base_url}/v1/workflows/run", headers={"Authorization": f"Bearer {key.json()['token']}"},
        json={"inputs": {}, "user": "api-caller", "response_mode": "blocking"}, timeout=30,
    )
    assert ran.status_code == 200, ran.text
    data = ran.json()["data"]
    # The webhook is the first trigger; called this way it received nothing, and its values are empty.
    assert data["status"] == "succeeded" and data["outputs"] == {"text": "order None xNone from None"}


def test_an_unknown_webhook_is_not_found(web):
    missing = httpx.post(f"{web.base_url}/triggers/webhook/nosuchwebhook0000000000", json={})
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found" and missing.json()["status"] == 404


def test_a_disabled_trigger_answers_404_until_enabled_again(browser, app_id, webhook_url):
    hook = next(t for t in browser.get(f"/apps/{app_id}/triggers").json()["data"] if t["node_id"] == "hook")
    off = browser.post(f"/apps/{app_id}/trigger-enable", json={"trigger_id": hook["id"], "enable_trigger": False})
    assert off.status_code == 200 and off.json()["status"] == "disabled"
    before = len(runs(browser, app_id, "webhook"))
    call = dict(json={"order": "B"}, headers={"X-Shop": "n"})
    assert httpx.post(webhook_url, **call).status_code == 404
    assert len(runs(browser, app_id, "webhook")) == before
    on = browser.post(f"/apps/{app_id}/trigger-enable", json={"trigger_id": hook["id"], "enable_trigger": True})
    assert on.status_code == 200 and on.json()["status"] == "enabled"
    assert httpx.post(webhook_url, **call).status_code == 202
    bad = browser.post(f"/apps/{app_id}/trigger-enable", json={"trigger_id": "x", "enable_trigger": True})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_param"


def test_a_due_schedule_starts_one_run_then_waits_for_its_next_time(web, browser, app_id):
    assert runs(browser, app_id, "schedule") == []
    with psycopg.connect(web.database_url, autocommit=True) as db:
        (planned,) = db.execute("SELECT next_run_at FROM app_triggers WHERE node_id = 'nightly'").fetchone()
        # 2:30 AM in Paris is 00:30 or 01:30 UTC
        assert (planned.hour, planned.minute) in ((0, 30), (1, 30)), planned
        db.execute("UPDATE app_triggers SET next_run_at = now() - interval '1 minute' WHERE node_id = 'nightly'")
        deadline = time.monotonic() + 30
        while not (found := runs(browser, app_id, "schedule")) and time.monotonic() < deadline:
            time.sleep(0.05)
        (moved,) = db.execute("SELECT next_run_at FROM app_triggers WHERE node_id = 'nightly'").fetchone()
    assert (moved.hour, moved.minute) in ((0, 30), (1, 30)) and moved > datetime.now(UTC)
    assert len(found) == 1
    run = finished_run(browser, app_id, found[0]["id"])
    assert run["status"] == "succeeded" and run["outputs"] == {"text": "tick"}
    assert len(runs(browser, app_id, "schedule")) == 1  # the moved plan is not due: no second run


def test_of_many_processes_claiming_one_firing_exactly_one_wins(web, browser, app_id):
    """What keeps a schedule to one run per firing with several API processes (or beats) polling: the claim."""
    nightly = next(t for t in browser.get(f"/apps/{app_id}/triggers").json()["data"] if t["node_id"] == "nightly")

    async def claims() -> list[bool]:
        engine = make_engine(web.database_url, pool_size=8)
        sessions = make_session_factory(engine)
        try:
            async with SqlaUnitOfWork(sessions, AesGcmSecretCipher("unused")) as uow:
                [due] = [t for t in await uow.triggers.app_triggers(UUID(app_id)) if t.node_id == "nightly"]

            async def claim() -> bool:
                async with SqlaUnitOfWork(sessions, AesGcmSecretCipher("unused")) as uow:
                    won = await uow.triggers.advance_schedule(due.id, due.next_run_at, due.next_run_at + timedelta(1))
                    await uow.commit()
                    return won

            return await asyncio.gather(*(claim() for _ in range(8)))
        finally:
            await engine.dispose()

    assert nightly["id"] and sorted(asyncio.run(claims())) == [False] * 7 + [True]


def test_a_schedule_that_cannot_be_read_refuses_the_publish(browser):
    broken = {**SCHEDULE_NODE, "mode": "cron", "cron_expression": "61 * * * *"}
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": trigger_dsl(broken)})
    app_id = imported.json()["app_id"]
    refused = browser.post(f"/apps/{app_id}/workflows/publish", json={})
    assert refused.status_code == 400, refused.text
    assert "Invalid schedule" in refused.json()["message"]
    assert browser.get(f"/apps/{app_id}/workflows/publish").json() is None
    assert browser.get(f"/apps/{app_id}/triggers").json() == {"data": []}


def test_a_start_node_beside_triggers_is_refused(browser):
    imported = browser.post(
        "/apps/imports", json={"mode": "yaml-content", "yaml_content": trigger_dsl(with_start=True)}
    )
    assert imported.json()["status"] == "failed"
    assert "cannot be in the same workflow" in imported.json()["error"]


def sse_events(response: httpx.Response) -> list[dict]:
    return [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]


def test_the_editor_s_test_run_waits_for_a_call_of_the_debug_url(browser, app_id, webhook_url):
    debug_url = webhook_url.replace("/triggers/webhook/", "/triggers/webhook-debug/")
    call = dict(json={"order": "T-1", "count": 5}, headers={"X-Shop": "test"})
    nobody = httpx.post(debug_url, **call)
    assert nobody.status_code == 409, nobody.text
    assert nobody.json()["error"] == "No active debug listener" and nobody.json()["execution_url"] == webhook_url
    waiting = browser.post(f"/apps/{app_id}/workflows/draft/trigger/run", json={"node_id": "hook"})
    assert waiting.status_code == 200 and waiting.json() == {"status": "waiting", "retry_in": 2000}
    assert httpx.post(debug_url, json={"count": 1}, headers={"X-Shop": "t"}).status_code == 400  # checked first
    caught = httpx.post(debug_url, **call)
    assert caught.status_code == 202 and caught.json() == {"accepted": True}
    ran = browser.post(f"/apps/{app_id}/workflows/draft/trigger/run", json={"node_id": "hook"})
    assert ran.status_code == 200 and ran.headers["content-type"].startswith("text/event-stream")
    events = sse_events(ran)
    assert events[0]["event"] == "workflow_started" and events[-1]["event"] == "workflow_finished"
    assert events[-1]["data"]["status"] == "succeeded"
    assert events[-1]["data"]["outputs"] == {"text": "order T-1 x5 from test"}
    assert [e["data"]["node_id"] for e in events if e["event"] == "node_started"] == ["hook", "say", "end"]
    # The call was used once: the next poll waits again; test runs stay out of the published runs.
    again = browser.post(f"/apps/{app_id}/workflows/draft/trigger/run", json={"node_id": "hook"})
    assert again.json()["status"] == "waiting"
    assert all(r["id"] != events[-1]["data"]["id"] for r in runs(browser, app_id, "webhook"))


def test_a_test_run_of_all_triggers_starts_from_a_schedule_at_once(browser, app_id):
    ran = browser.post(f"/apps/{app_id}/workflows/draft/trigger/run-all", json={"node_ids": ["hook", "nightly"]})
    assert ran.status_code == 200, ran.text
    events = sse_events(ran)
    assert events[-1]["event"] == "workflow_finished" and events[-1]["data"]["outputs"] == {"text": "tick"}
    alone = browser.post(f"/apps/{app_id}/workflows/draft/nodes/nightly/trigger/run", json={})
    assert alone.status_code == 200, alone.text
    assert alone.json()["status"] == "succeeded" and alone.json()["node_id"] == "nightly"
    not_trigger = browser.post(f"/apps/{app_id}/workflows/draft/trigger/run", json={"node_id": "say"})
    assert not_trigger.status_code == 400 and not_trigger.json()["code"] == "invalid_param"


def test_the_webhook_node_keeps_its_url_across_saves_and_loses_it_with_the_node(browser, app_id, webhook_url):
    draft = browser.get(f"/apps/{app_id}/workflows/draft").json()
    synced = browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": draft["graph"], "features": {},
                                                                   "hash": draft["hash"]})
    assert synced.status_code == 200, synced.text
    again = browser.get(f"/apps/{app_id}/workflows/triggers/webhook", params={"node_id": "hook"}).json()
    assert again["webhook_url"] == webhook_url
    graph = json.loads(json.dumps(draft["graph"]))
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "hook"]
    graph["edges"] = [e for e in graph["edges"] if e["source"] != "hook"]
    assert browser.post(f"/apps/{app_id}/workflows/draft", json={"graph": graph, "features": {}}).status_code == 200
    gone = browser.get(f"/apps/{app_id}/workflows/triggers/webhook", params={"node_id": "hook"})
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"


def test_another_workspace_sees_none_of_it_and_csrf_is_checked(web, browser, app_id):
    other = web.signed_in_as("other@example.com", "other-pass-123")
    assert other.get(f"/apps/{app_id}/triggers").status_code == 404
    assert other.get(f"/apps/{app_id}/workflows/triggers/webhook", params={"node_id": "hook"}).status_code == 404
    hook = browser.get(f"/apps/{app_id}/triggers").json()["data"][0]
    took = other.post(f"/apps/{app_id}/trigger-enable", json={"trigger_id": hook["id"], "enable_trigger": False})
    assert took.status_code == 404
    assert browser.bare("GET", f"/apps/{app_id}/triggers").status_code == 401


def test_a_chatflow_cannot_start_from_a_trigger(browser):
    document = yaml.safe_load(trigger_dsl())
    document["app"]["mode"] = "advanced-chat"
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": yaml.safe_dump(document)})
    assert imported.json()["status"] == "failed"
    assert "Trigger nodes start workflow apps only" in imported.json()["error"]


def _multipart_app(browser) -> str:
    document = yaml.safe_load(trigger_dsl())
    nodes = document["workflow"]["graph"]["nodes"]
    nodes[0]["data"] = {
        "type": "trigger-webhook", "title": "Upload", "method": "post", "content_type": "multipart/form-data",
        "body": [{"name": "doc", "type": "file", "required": True}, {"name": "note", "type": "string"}],
    }
    nodes[2]["data"]["template"] = "{{ order.filename }} {{ order.size }} {{ count }}"
    nodes[2]["data"]["variables"] = [
        {"variable": "order", "value_selector": ["hook", "doc"]}, {"variable": "count", "value_selector": ["hook", "note"]},
    ]
    imported = browser.post("/apps/imports", json={"mode": "yaml-content", "yaml_content": yaml.safe_dump(document)})
    app_id = imported.json()["app_id"]
    assert browser.post(f"/apps/{app_id}/workflows/publish", json={}).status_code == 200
    return app_id


def test_a_file_sent_to_a_webhook_is_stored_and_given_to_the_run(browser):
    app_id = _multipart_app(browser)
    url = browser.get(f"/apps/{app_id}/workflows/triggers/webhook", params={"node_id": "hook"}).json()["webhook_url"]
    missing = httpx.post(url, data={"note": "no file"}, files={"other": ("x.txt", b"x", "text/plain")})
    assert missing.status_code == 400 and missing.json()["message"] == "Required body parameter missing: doc"
    assert runs(browser, app_id, "webhook") == []
    called = httpx.post(url, data={"note": "see attached"}, files={"doc": ("report.txt", b"hello file", "text/plain")})
    assert called.status_code == 200, called.text
    deadline = time.monotonic() + 30
    while not (found := runs(browser, app_id, "webhook")) and time.monotonic() < deadline:
        time.sleep(0.05)
    run = finished_run(browser, app_id, found[0]["id"])
    assert run["status"] == "succeeded", run
    assert run["outputs"] == {"text": "report.txt 10 see attached"}
    stored = run["inputs"]["webhook_data"]["files"]["doc"]
    assert stored["transfer_method"] == "local_file" and stored["mime_type"] == "text/plain" and stored["related_id"]
