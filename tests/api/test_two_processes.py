"""SERVER_WORKER_AMOUNT=2: two API processes on one port, sharing the embedded PostgreSQL (the first process
owns it) and Redis. What one process changes, the other must see: a revoked key, an API switched off, a
run's events replayed. Every request below opens a fresh connection, so the kernel hands them to either
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
    )
    process = start(python("-m", "entrypoints.serve"), env, folder / "api.log")
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base), 180, 0.1, "both API processes to serve /health")
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
    assert imported["status"] == "completed", imported
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
