"""The README's quick start, through real sockets: the API process on embedded defaults, curl-like calls,
the `weir` CLI, and a clean stop."""

import json
import signal
import subprocess

import httpx
import pytest

from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env


@pytest.fixture
def api_process(tmp_path):
    port = free_port()
    env = weir_env(PORT=str(port), STORAGE_PATH=str(tmp_path / "storage"), HOST="127.0.0.1")
    process = start(python("-m", "entrypoints.serve"), env, tmp_path / "api.log")
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base), 60, 0.1, "the API to serve /health")
    except AssertionError:
        process.kill()
        raise AssertionError((tmp_path / "api.log").read_text()) from None
    yield base, process, tmp_path
    if process.poll() is None:
        process.kill()
        process.wait()


def test_quick_start_sequence_over_http(api_process):
    base, _, _ = api_process
    with httpx.Client(base_url=base, timeout=10) as http:
        assert http.post("/console/api/setup", json={"email": "me@example.com", "name": "Me", "password": "secret123"}).status_code == 201
        token = http.post("/console/api/login", json={"email": "me@example.com", "password": "secret123"}).json()["data"]["access_token"]
        console = {"Authorization": f"Bearer {token}"}
        app = http.post("/console/api/apps", json={"name": "Hello", "mode": "chat"}, headers=console).json()
        key = http.post(f"/console/api/apps/{app['id']}/api-keys", headers=console).json()["token"]
        info = http.get("/v1/info", headers={"Authorization": f"Bearer {key}"})
    assert info.json() == {"name": "Hello", "description": "", "tags": [], "mode": "chat", "author_name": "Me"}


def test_sigterm_stops_the_api_and_its_embedded_postgres(api_process):
    _, process, tmp_path = api_process
    pgdata = tmp_path / "storage" / "pgdata"
    postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    eventually_sync(lambda: not _alive(postmaster), 10, 0.1, "the embedded PostgreSQL to stop")
    assert "stopped" in (tmp_path / "api.log").read_text()


def _alive(pid: int) -> bool:
    try:
        import os

        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def test_cli_sets_up_creates_an_app_and_a_key_the_api_accepts(tmp_path):
    env = weir_env(STORAGE_PATH=str(tmp_path / "storage"))

    def weir(*args: str) -> dict:
        done = subprocess.run(python("-m", "entrypoints.cli", *args), env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert weir("db", "upgrade")["result"] == "success"
    weir("setup", "--email", "ops@example.com", "--name", "Ops", "--password", "secret123")
    app = weir("apps", "create", "--name", "From CLI", "--mode", "completion")
    key = weir("keys", "create", app["id"])
    assert key["token"].startswith("app-")

    port = free_port()
    process = start(python("-m", "entrypoints.serve"), {**env, "PORT": str(port), "HOST": "127.0.0.1"}, tmp_path / "api.log")
    try:
        base = f"http://127.0.0.1:{port}"
        eventually_sync(serving(base), 60, 0.1, "the API to serve /health")
        info = httpx.get(base + "/v1/info", headers={"Authorization": f"Bearer {key['token']}"}).json()
        assert (info["name"], info["mode"], info["author_name"]) == ("From CLI", "completion", "Ops")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_cli_imports_a_dsl_file_and_publishes_it(tmp_path):
    from pathlib import Path

    env = weir_env(STORAGE_PATH=str(tmp_path / "storage"))
    dsl = Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "triage.yml"

    def weir(*args: str) -> dict:
        done = subprocess.run(python("-m", "entrypoints.cli", *args), env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    weir("setup", "--email", "ops@example.com", "--name", "Ops", "--password", "secret123")
    imported = weir("apps", "import", str(dsl), "--publish")
    assert imported["status"] == "completed" and imported["mode"] == "workflow" and imported["published"]
    listed = weir("apps", "list")
    assert [a["name"] for a in listed["data"]] == ["Ticket triage"]
