"""SERVER_WORKER_AMOUNT=2: two API processes on one port, sharing the embedded PostgreSQL (the first process
owns it) and Redis. What one process changes, the other must see: a revoked key, an API switched off, a
run's events replayed, a chat app's changed model config and rotated provider key, a stop, an app's cap on
concurrent answers. Every request below opens a fresh connection, so the kernel hands them to either
process; each check is repeated enough times that both processes answer some of them."""

import json
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import httpx
import psutil
import pytest
import yaml

from tests.api.console_web import threaded_stub_model
from tests.integration.openai_stub_server import Reply
from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env

OWNER = {"email": "two@example.com", "name": "Two", "password": "secret123"}
ROUNDS = 12  # fresh connections per check: with two processes accepting, both get some

EMPTY_WORKFLOW = yaml.safe_dump(
    {
        "app": {"name": "Empty", "mode": "workflow", "description": "", "icon": "🤖", "icon_background": "#FFEAD5"},
        "kind": "app",
        "version": "0.3.0",
        "workflow": {
            "conversation_variables": [],
            "environment_variables": [],
            "features": {},
            "graph": {
                "nodes": [
                    {"id": "start", "type": "custom", "data": {"type": "start", "title": "Start", "variables": []}},
                    {"id": "end", "type": "custom", "data": {"type": "end", "title": "End", "outputs": []}},
                ],
                "edges": [
                    {
                        "id": "e",
                        "source": "start",
                        "target": "end",
                        "sourceHandle": "source",
                        "targetHandle": "target",
                        "data": {},
                    }
                ],
            },
        },
    }
)


@pytest.fixture(scope="module")
def two_processes(redis_url):
    folder = Path(tempfile.mkdtemp(prefix="weir-test-two-"))
    port = free_port()
    env = weir_env(
        PORT=str(port),
        STORAGE_PATH=str(folder / "storage"),
        HOST="127.0.0.1",
        SERVER_WORKER_AMOUNT="2",
        REDIS_URL=redis_url,
        APP_MAX_ACTIVE_REQUESTS="1",  # each app answers one message at a time, whichever process takes it
    )
    process = start(python("-m", "entrypoints.serve"), env, folder / "api.log")
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base, process), 180, 0.1, "both API processes to serve /health")
        with httpx.Client(base_url=base, timeout=30) as http:
            http.post("/console/api/setup", json=OWNER).raise_for_status()
            login = http.post("/console/api/login", json={"email": OWNER["email"], "password": OWNER["password"]})
            console = {"Authorization": f"Bearer {login.raise_for_status().json()['data']['access_token']}"}
        yield base, console, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def fresh(base: str, method: str, path: str, **kwargs) -> httpx.Response:
    """One request on a connection of its own (so either process may take it)."""
    with httpx.Client(base_url=base, timeout=30) as http:
        return http.request(method, path, **kwargs)


def workflow_key(base: str, console: dict) -> tuple[str, str]:
    imported = fresh(
        base,
        "POST",
        "/console/api/apps/imports",
        headers=console,
        json={"mode": "yaml-content", "yaml_content": EMPTY_WORKFLOW, "publish": True},
    ).json()
    assert imported["status"].startswith("completed") and not imported["error"], imported
    key = fresh(base, "POST", f"/console/api/apps/{imported['app_id']}/api-keys", headers=console).json()
    return imported["app_id"], key["token"]


def run(base: str, token: str) -> httpx.Response:
    return fresh(
        base,
        "POST",
        "/v1/workflows/run",
        headers={"Authorization": f"Bearer {token}"},
        json={"inputs": {}, "response_mode": "blocking", "user": "alice"},
    )


def test_two_api_processes_serve_the_port(two_processes):
    _, _, process = two_processes
    assert len(psutil.Process(process.pid).children()) == 2


def test_a_key_revoked_in_one_process_is_refused_by_both_at_once(two_processes):
    base, console, _ = two_processes
    app_id, token = workflow_key(base, console)
    assert all(run(base, token).status_code == 200 for _ in range(ROUNDS))  # both processes now know the key
    keys = fresh(base, "GET", f"/console/api/apps/{app_id}/api-keys", headers=console).json()["data"]
    fresh(base, "DELETE", f"/console/api/apps/{app_id}/api-keys/{keys[0]['id']}", headers=console)
    assert [run(base, token).status_code for _ in range(ROUNDS)] == [401] * ROUNDS


def test_an_api_switched_off_in_one_process_is_off_in_both(two_processes):
    base, console, _ = two_processes
    app_id, token = workflow_key(base, console)
    assert all(run(base, token).status_code == 200 for _ in range(ROUNDS))
    off = fresh(base, "POST", f"/console/api/apps/{app_id}/api-enable", headers=console, json={"enable_api": False})
    assert off.status_code == 200
    assert [run(base, token).status_code for _ in range(ROUNDS)] == [403] * ROUNDS


def test_a_runs_events_replay_from_either_process(two_processes):
    base, console, _ = two_processes
    _, token = workflow_key(base, console)
    run_id = run(base, token).json()["workflow_run_id"]
    for _ in range(ROUNDS // 2):
        replay = fresh(
            base, "GET", f"/v1/workflow/{run_id}/events?user=alice", headers={"Authorization": f"Bearer {token}"}
        )
        events = [json.loads(line[6:])["event"] for line in replay.text.splitlines() if line.startswith("data: ")]
        assert events[0] == "workflow_started" and events[-1] == "workflow_finished", events


@pytest.fixture(scope="module")
def stub():
    with threaded_stub_model() as server:
        yield server


def chat_key(base: str, console: dict, stub, pre_prompt: str = "Version one.") -> tuple[str, str]:
    credentials = {"api_key": "sk-first", "endpoint_url": stub.base_url, "models": [{"name": "stub-model"}]}
    saved = fresh(
        base, "POST", "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
        headers=console, json={"credentials": credentials},
    )
    assert saved.status_code == 200, saved.text
    app_id = fresh(base, "POST", "/console/api/apps", headers=console, json={"name": "Chat", "mode": "chat"}).json()["id"]
    configure(base, console, app_id, pre_prompt)
    return app_id, fresh(base, "POST", f"/console/api/apps/{app_id}/api-keys", headers=console).json()["token"]


def configure(base: str, console: dict, app_id: str, pre_prompt: str) -> None:
    model = {"provider": "openai_api_compatible", "name": "stub-model", "mode": "chat", "completion_params": {}}
    changed = fresh(
        base, "POST", f"/console/api/apps/{app_id}/model-config", headers=console,
        json={"model": model, "pre_prompt": pre_prompt},
    )
    assert changed.status_code == 200, changed.text


def chat(base: str, token: str) -> httpx.Response:
    return fresh(
        base, "POST", "/v1/chat-messages", headers={"Authorization": f"Bearer {token}"},
        json={"query": "Hi", "inputs": {}, "user": "alice", "response_mode": "blocking"},
    )


def first_event(lines) -> dict:
    for line in lines:
        if line.startswith("data: "):
            return json.loads(line[6:])
    raise AssertionError("the stream ended before its first event")


def test_a_model_config_or_key_changed_in_one_process_is_used_by_both_at_once(two_processes, stub):
    base, console, _ = two_processes
    app_id, token = chat_key(base, console, stub)
    assert all(chat(base, token).status_code == 200 for _ in range(ROUNDS))  # both processes keep the app's setup
    configure(base, console, app_id, "Version two.")
    seen = len(stub.requests)
    assert [chat(base, token).status_code for _ in range(ROUNDS)] == [200] * ROUNDS
    assert {r["json"]["messages"][0]["content"] for r in stub.requests[seen:]} == {"Version two."}

    rotated = {"api_key": "sk-rotated", "endpoint_url": stub.base_url, "models": [{"name": "stub-model"}]}
    fresh(
        base, "POST", "/console/api/workspaces/current/model-providers/openai_api_compatible/credentials",
        headers=console, json={"credentials": rotated},
    ).raise_for_status()
    seen = len(stub.requests)
    assert [chat(base, token).status_code for _ in range(ROUNDS)] == [200] * ROUNDS
    assert {r["headers"]["authorization"] for r in stub.requests[seen:]} == {"Bearer sk-rotated"}


def test_a_stream_stops_whichever_process_hears_the_stop(two_processes, stub):
    base, console, _ = two_processes
    _, token = chat_key(base, console, stub)
    auth = {"Authorization": f"Bearer {token}"}
    body = {"query": "Talk", "inputs": {}, "user": "alice", "response_mode": "streaming"}
    for _ in range(ROUNDS // 2):
        stub.replies.append(Reply(deltas=("a", "b"), hang_after=1))  # one delta, then silence until stopped
        with httpx.Client(base_url=base, timeout=30) as http, http.stream(
            "POST", "/v1/chat-messages", headers=auth, json=body
        ) as stream:
            lines = stream.iter_lines()
            task_id = first_event(lines)["task_id"]
            stopped = fresh(base, "POST", f"/v1/chat-messages/{task_id}/stop", headers=auth, json={"user": "alice"})
            assert stopped.json() == {"result": "success"}
            events = [json.loads(line[6:])["event"] for line in lines if line.startswith("data: ")]
        assert events[-1] == "message_end", events


def test_an_apps_cap_holds_across_both_processes(two_processes, stub):
    base, console, _ = two_processes
    _, token = chat_key(base, console, stub)
    auth = {"Authorization": f"Bearer {token}"}
    stub.replies.append(Reply(deltas=("a", "b"), hang_after=1))
    body = {"query": "Talk", "inputs": {}, "user": "alice", "response_mode": "streaming"}
    with httpx.Client(base_url=base, timeout=30) as http, http.stream(
        "POST", "/v1/chat-messages", headers=auth, json=body
    ) as held:
        lines = held.iter_lines()
        task_id = first_event(lines)["task_id"]
        refused = [chat(base, token) for _ in range(ROUNDS)]
        assert [r.status_code for r in refused] == [429] * ROUNDS
        assert {r.json()["code"] for r in refused} == {"too_many_requests"}
        fresh(base, "POST", f"/v1/chat-messages/{task_id}/stop", headers=auth, json={"user": "alice"})
        list(lines)
    eventually_sync(lambda: chat(base, token).status_code == 200, 10, 0.1, "the slot to be free again")
