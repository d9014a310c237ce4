"""Human input (Dify 1.13): a run pauses at a human-input node, its form is fetched and answered by token, and
the run goes on along the chosen action's edge (or the timeout edge), in workflows and chatflows, in every
response mode; the events re-attach endpoint replays the pause and what followed."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from dependency_injector import providers

from tests.api.helpers import bearer
from tests.api.openapi import assert_schema
from tests.polling import eventually

DSL = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "human_review.yml").read_text()


class LaterClock:
    """The system clock, `ahead` in the future: a form's hour has passed."""

    def __init__(self, clock, ahead: timedelta) -> None:
        self._clock, self._ahead = clock, ahead

    def now(self):
        return self._clock.now() + self._ahead


async def _import(console, dsl: str) -> str:
    imported = await (
        await console.client.post(
            "/console/api/apps/imports",
            json={"mode": "yaml-content", "yaml_content": dsl, "publish": True},
            headers=console.headers,
        )
    ).get_json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    return await console.create_app_key(imported["app_id"])


@pytest.fixture
async def key(console) -> str:
    return await _import(console, DSL)


def _events(raw: bytes) -> list[dict]:
    return [json.loads(b[6:]) for b in raw.decode().strip().split("\n\n") if b.startswith("data: ")]


async def _run(client, key, mode="blocking", draft="ship it"):
    return await client.post(
        "/v1/workflows/run",
        json={"inputs": {"draft": draft}, "response_mode": mode, "user": "alice"},
        headers=bearer(key),
    )


async def _paused(client, key) -> dict:
    response = await _run(client, key)
    body = await response.get_json()
    assert response.status_code == 200, body
    return body


async def _detail(client, key, run_id) -> dict:
    return await (await client.get(f"/v1/workflows/run/{run_id}", headers=bearer(key))).get_json()


async def _ended(client, key, run_id) -> dict:
    async def ended():
        detail = await _detail(client, key, run_id)
        return detail if detail["status"] not in ("running", "paused") else None

    return await eventually(ended, timeout=20, what="the resumed run to end")


async def _replay(client, key, run_id, **query) -> list[dict]:
    response = await client.get(
        f"/v1/workflow/{run_id}/events", query_string={"user": "alice", **query}, headers=bearer(key)
    )
    return _events(await response.get_data())


async def test_a_blocking_run_pauses_with_its_form_and_goes_on_along_the_chosen_action(console, key):
    client = console.client
    body = await _paused(client, key)
    data, run_id = body["data"], body["workflow_run_id"]
    assert data["status"] == "paused" and data["paused_nodes"] == ["review"] and data["finished_at"] is None
    assert_schema(body, "POST /workflows/run 200")
    reason = data["reasons"][0]
    assert reason["TYPE"] == "human_input_required" and reason["node_id"] == "review"
    assert reason["form_content"] == "Please review: ship it\n\nComment: {{#$output.comment#}}"
    assert reason["resolved_default_values"] == {"comment": "ship it"}
    assert [a["id"] for a in reason["actions"]] == ["approve", "reject"]
    assert (await _detail(client, key, run_id))["status"] == "paused"

    token = reason["form_token"]
    form = await client.get(f"/v1/form/human_input/{token}", headers=bearer(key))
    form_body = await form.get_json()
    assert form.status_code == 200, form_body
    assert_schema(form_body, "GET /form/human_input/{form_token} 200")
    assert form_body["form_content"] == reason["form_content"]
    assert form_body["expiration_time"] == reason["expiration_time"] > data["created_at"]
    assert [f["output_variable_name"] for f in form_body["inputs"]] == ["comment", "priority"]

    submitted = await client.post(
        f"/v1/form/human_input/{token}",
        headers=bearer(key),
        json={"action": "approve", "inputs": {"comment": "Looks good", "priority": "high"}, "user": "alice"},
    )
    assert submitted.status_code == 200 and await submitted.get_json() == {}

    detail = await _ended(client, key, run_id)
    assert detail["status"] == "succeeded", detail
    assert detail["outputs"] == {"verdict": "Approve", "comment": "Looks good", "priority": "high"}
    assert detail["total_steps"] == 3

    events = await _replay(client, key, run_id)
    names = [e["event"] for e in events]
    assert names[:5] == ["workflow_started", "node_started", "node_finished", "node_started", "human_input_required"]
    paused_at = names.index("workflow_paused")
    assert names[paused_at + 1 : paused_at + 3] == ["workflow_started", "human_input_form_filled"]
    assert events[paused_at + 1]["data"]["reason"] == "resumption"
    filled = events[paused_at + 2]["data"]
    assert filled["action_id"] == "approve" and filled["action_text"] == "Approve"
    assert filled["rendered_content"] == "Please review: ship it\n\nComment: Looks good"
    review = [e["data"] for e in events if e["event"] == "node_finished" and e["data"]["node_id"] == "review"]
    assert len(review) == 1 and review[0]["outputs"]["__action_id"] == "approve"
    assert review[0]["inputs"] == {"comment": "Looks good", "priority": "high"}
    assert names[-1] == "workflow_finished" and "Rejected" not in [e["data"].get("title") for e in events]
    for event in events:
        if event["event"].startswith(("human_input", "workflow_paused")):
            assert_schema(
                event,
                {
                    "human_input_required": "WorkflowStreamEventHumanInputRequired",
                    "workflow_paused": "WorkflowStreamEventWorkflowPaused",
                    "human_input_form_filled": "WorkflowStreamEventHumanInputFormFilled",
                }[event["event"]],
            )


async def test_bad_answers_are_refused_in_difys_shape_and_change_nothing(console, key):
    client = console.client
    body = await _paused(client, key)
    token, run_id = body["data"]["reasons"][0]["form_token"], body["workflow_run_id"]
    url = f"/v1/form/human_input/{token}"

    async def submit(action="approve", inputs=None, user="alice", token_url=url):
        inputs = {"comment": "ok", "priority": "low"} if inputs is None else inputs
        response = await client.post(
            token_url, headers=bearer(key), json={"action": action, "inputs": inputs, "user": user}
        )
        return response.status_code, await response.get_json()

    unknown = await client.get("/v1/form/human_input/no-such-token", headers=bearer(key))
    assert unknown.status_code == 404 and await unknown.get_json() == {
        "code": "not_found",
        "message": "Form not found",
        "status": 404,
    }
    assert (await submit(token_url="/v1/form/human_input/no-such-token"))[0] == 404
    status, wrong = await submit(action="ship_it")
    assert (status, wrong["code"], wrong["message"]) == (400, "invalid_form_data", "Invalid action: ship_it")
    status, missing = await submit(inputs={"comment": "ok"})
    assert (status, missing["code"], missing["message"]) == (
        400,
        "invalid_form_data",
        "Missing required inputs: priority",
    )
    status, option = await submit(inputs={"comment": "ok", "priority": "urgent"})
    assert (status, option["code"]) == (400, "invalid_form_data")
    status, no_user = await submit(user=None)
    assert (status, no_user["code"]) == (400, "invalid_param")

    other = await _import(console, DSL)  # another app's key never sees this app's forms
    assert (await client.get(url, headers=bearer(other))).status_code == 404
    assert (await client.get(url, headers=bearer(key))).status_code == 200  # nothing above changed the form
    assert (await _detail(client, key, run_id))["status"] == "paused"

    assert await submit(action="reject") == (200, {})
    status, again = await submit()
    assert (status, again["code"], again["status"]) == (412, "human_input_form_submitted", 412)
    gone = await client.get(url, headers=bearer(key))
    assert gone.status_code == 412 and (await gone.get_json())["code"] == "human_input_form_submitted"
    detail = await _ended(client, key, run_id)
    assert detail["status"] == "succeeded" and detail["outputs"] == {"verdict": "Send back"}


async def test_a_form_nobody_answers_takes_the_timeout_edge(console, key, container):
    client = console.client
    body = await _paused(client, key)
    token, run_id = body["data"]["reasons"][0]["form_token"], body["workflow_run_id"]
    container.clock.override(providers.Object(LaterClock(container.clock(), timedelta(hours=2))))
    try:
        expired = await client.post(
            f"/v1/form/human_input/{token}",
            headers=bearer(key),
            json={"action": "approve", "inputs": {"comment": "late", "priority": "low"}, "user": "alice"},
        )
        assert expired.status_code == 412 and (await expired.get_json())["code"] == "human_input_form_expired"
        assert await container.workflows.expire_human_input_forms().execute() == 1  # the scheduler's tick
        assert await container.workflows.expire_human_input_forms().execute() == 0
    finally:
        container.clock.reset_override()
    detail = await _ended(client, key, run_id)
    assert detail["status"] == "succeeded"
    assert detail["outputs"] == {"verdict": "", "content": "Please review: ship it\n\nComment: {{#$output.comment#}}"}
    events = await _replay(client, key, run_id)
    timeout = next(e for e in events if e["event"] == "human_input_form_timeout")
    assert_schema(timeout, "WorkflowStreamEventHumanInputFormTimeout")
    assert timeout["data"]["node_id"] == "review" and events[-1]["event"] == "workflow_finished"


async def test_streaming_and_async_runs_pause_and_the_events_endpoint_follows_the_resumption(console, key):
    client = console.client
    streamed = _events(await (await _run(client, key, "streaming")).get_data())
    assert [e["event"] for e in streamed][-2:] == ["human_input_required", "workflow_paused"]
    assert all(e["workflow_run_id"] == streamed[0]["workflow_run_id"] and e["task_id"] for e in streamed)

    queued = await (await _run(client, key, "async")).get_json()
    run_id = queued["workflow_run_id"]

    async def paused():
        return (await _detail(client, key, run_id))["status"] == "paused"

    await eventually(paused, timeout=20, what="the async run to pause")
    replay = await _replay(client, key, run_id)
    assert replay[-1]["event"] == "workflow_paused"  # the stream closes at the pause
    token = replay[-2]["data"]["form_token"]
    follow = client.get(
        f"/v1/workflow/{run_id}/events",
        headers=bearer(key),
        query_string={"user": "alice", "continue_on_pause": "true"},
    )
    submitted = await client.post(
        f"/v1/form/human_input/{token}",
        headers=bearer(key),
        json={"action": "reject", "inputs": {"comment": "no", "priority": "low"}, "user": "alice"},
    )
    assert submitted.status_code == 200
    names = [e["event"] for e in _events(await (await follow).get_data())]
    assert "workflow_paused" in names and names[-1] == "workflow_finished" and "human_input_form_filled" in names
    assert (await _detail(client, key, run_id))["outputs"] == {"verdict": "Send back"}


def _chatflow_dsl() -> str:
    review = yaml.safe_load(DSL)["workflow"]["graph"]["nodes"][1]
    review["data"]["form_content"] = "Answer {{#sys.query#}}? {{#$output.comment#}}"
    review["data"]["inputs"] = [{"type": "paragraph", "output_variable_name": "comment"}]
    node = lambda nid, data: {"id": nid, "type": "custom", "data": data}  # noqa: E731
    edge = lambda s, t, h="source": {"id": f"{s}-{t}", "source": s, "target": t, "sourceHandle": h}  # noqa: E731
    graph = {
        "nodes": [
            node("start", {"type": "start", "title": "Start", "variables": []}),
            node("intro", {"type": "answer", "title": "Intro", "answer": "Asking a person. "}),
            review,
            node("yes", {"type": "answer", "title": "Yes", "answer": "They said: {{#review.comment#}}"}),
            node("no", {"type": "answer", "title": "No", "answer": "Declined."}),
        ],
        "edges": [
            edge("start", "intro"),
            edge("intro", "review"),
            edge("review", "yes", "approve"),
            edge("review", "no", "reject"),
        ],
    }
    return yaml.safe_dump(
        {
            "app": {"name": "Ask a person", "mode": "advanced-chat"},
            "kind": "app",
            "version": "0.3.1",
            "workflow": {"graph": graph, "features": {}, "conversation_variables": []},
        }
    )


async def test_a_chatflow_pauses_and_its_message_is_answered_after_the_form(console):
    client = console.client
    key = await _import(console, _chatflow_dsl())
    response = await client.post(
        "/v1/chat-messages",
        headers=bearer(key),
        json={"query": "Refund?", "inputs": {}, "response_mode": "blocking", "user": "alice"},
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    data = body["data"]
    assert body["event"] == "workflow_paused" and data["status"] == "paused" and data["answer"] == "Asking a person. "
    reason = data["reasons"][0]
    assert reason["form_content"] == "Answer Refund?? {{#$output.comment#}}"
    submitted = await client.post(
        f"/v1/form/human_input/{reason['form_token']}",
        headers=bearer(key),
        json={"action": "approve", "inputs": {"comment": "yes, refund"}, "user": "alice"},
    )
    assert submitted.status_code == 200

    async def answered():
        listed = await (
            await client.get(
                "/v1/messages",
                headers=bearer(key),
                query_string={"user": "alice", "conversation_id": data["conversation_id"]},
            )
        ).get_json()
        message = listed["data"][0]
        return message if message["status"] == "normal" else None

    message = await eventually(answered, timeout=20, what="the chatflow's message to be answered")
    assert message["answer"] == "Asking a person. They said: yes, refund"
    events = await _replay(client, key, data["workflow_run_id"])
    chunks = [e["data"]["answer"] for e in events if e["event"] == "message"]
    assert "".join(chunks) == "Asking a person. They said: yes, refund"
    assert [e["event"] for e in events].count("workflow_paused") == 1

    streamed = _events(
        await (
            await client.post(
                "/v1/chat-messages",
                headers=bearer(key),
                json={
                    "query": "Again?",
                    "inputs": {},
                    "response_mode": "streaming",
                    "user": "alice",
                    "conversation_id": data["conversation_id"],
                },
            )
        ).get_data()
    )
    assert [e["event"] for e in streamed][-1] == "workflow_paused"
    assert all(e["conversation_id"] == data["conversation_id"] for e in streamed)
