"""A paused run outlives the API: paused by one API process, stopped; answered through the next one, which
resumes it from the stored state and finishes it along the chosen action's edge (real processes, sockets)."""

import shutil
import signal
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env

DSL = (Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "human_review.yml").read_text()
OWNER = {"email": "me@example.com", "name": "Me", "password": "secret123"}


@pytest.fixture
def storage():
    """Outside pytest's basetemp (see test_real_process.py: the embedded PostgreSQL must keep reaching it)."""
    path = Path(tempfile.mkdtemp(prefix="weir-test-human-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _serve(storage: Path, log: str):
    port = free_port()
    env = weir_env(PORT=str(port), STORAGE_PATH=str(storage / "storage"), HOST="127.0.0.1")
    process = start(python("-m", "entrypoints.serve"), env, storage / log)
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base, process), 180, 0.1, "the API to serve /health")
    except AssertionError:
        process.kill()
        raise AssertionError((storage / log).read_text()) from None
    return process, base


def _stop(process) -> None:
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0


def test_a_run_paused_before_a_restart_is_answered_and_finished_after_it(storage):
    first, base = _serve(storage, "first.log")
    try:
        with httpx.Client(base_url=base, timeout=20) as http:
            assert http.post("/console/api/setup", json=OWNER).status_code == 201
            login = {"email": OWNER["email"], "password": OWNER["password"]}
            token = http.post("/console/api/login", json=login).json()["data"]["access_token"]
            console = {"Authorization": f"Bearer {token}"}
            imported = http.post(
                "/console/api/apps/imports",
                headers=console,
                json={"mode": "yaml-content", "yaml_content": DSL, "publish": True},
            ).json()
            assert imported["status"].startswith("completed") and not imported["error"], imported
            key = http.post(f"/console/api/apps/{imported['app_id']}/api-keys", headers=console).json()["token"]
            app = {"Authorization": f"Bearer {key}"}
            paused = http.post(
                "/v1/workflows/run",
                headers=app,
                json={"inputs": {"draft": "v2"}, "response_mode": "blocking", "user": "alice"},
            ).json()
    finally:
        _stop(first)
    assert paused["data"]["status"] == "paused", paused
    run_id, form = paused["workflow_run_id"], paused["data"]["reasons"][0]["form_token"]

    second, base = _serve(storage, "second.log")
    try:
        with httpx.Client(base_url=base, timeout=20, headers=app) as http:
            assert http.get(f"/v1/workflows/run/{run_id}").json()["status"] == "paused"
            assert http.get(f"/v1/form/human_input/{form}").json()["form_content"].startswith("Please review: v2")
            answer = {
                "action": "approve",
                "inputs": {"comment": "after the restart", "priority": "low"},
                "user": "alice",
            }
            assert http.post(f"/v1/form/human_input/{form}", json=answer).status_code == 200

            def finished():
                detail = http.get(f"/v1/workflows/run/{run_id}").json()
                return detail if detail["status"] not in ("running", "paused") else None

            detail = eventually_sync(finished, 30, 0.1, "the resumed run to finish")
    finally:
        _stop(second)
    assert detail["status"] == "succeeded", detail
    assert detail["outputs"] == {"verdict": "Approve", "comment": "after the restart", "priority": "low"}
