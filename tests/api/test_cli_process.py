"""The README's `weir` CLI through real processes, on embedded defaults: each command starts (and stops) the
embedded PostgreSQL of its storage folder, and the API started afterwards serves what the commands made.
Split from test_real_process.py so the two slowest real-process files run on different test workers."""

import json
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env


@pytest.fixture
def tmp_path():
    """A folder outside pytest's basetemp (see test_real_process.py: the embedded PostgreSQL must keep reaching it)."""
    path = Path(tempfile.mkdtemp(prefix="weir-test-cli-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_cli_sets_up_creates_an_app_and_a_key_the_api_accepts(tmp_path):
    env = weir_env(STORAGE_PATH=str(tmp_path / "storage"))

    def weir(*args: str) -> dict:
        done = subprocess.run(
            python("-m", "entrypoints.cli", *args), env=env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    assert weir("db", "upgrade")["result"] == "success"
    weir("setup", "--email", "ops@example.com", "--name", "Ops", "--password", "secret123")
    app = weir("apps", "create", "--name", "From CLI", "--mode", "completion")
    key = weir("keys", "create", app["id"])
    assert key["token"].startswith("app-")

    port = free_port()
    process = start(
        python("-m", "entrypoints.serve"), {**env, "PORT": str(port), "HOST": "127.0.0.1"}, tmp_path / "api.log"
    )
    try:
        base = f"http://127.0.0.1:{port}"
        eventually_sync(serving(base, process), 180, 0.1, "the API to serve /health")
        info = httpx.get(base + "/v1/info", headers={"Authorization": f"Bearer {key['token']}"}).json()
        assert (info["name"], info["mode"], info["author_name"]) == ("From CLI", "completion", "Ops")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


def test_cli_imports_a_dsl_file_and_publishes_it(tmp_path):
    env = weir_env(STORAGE_PATH=str(tmp_path / "storage"))
    dsl = Path(__file__).resolve().parents[1] / "fixtures" / "dsl" / "triage.yml"

    def weir(*args: str) -> dict:
        done = subprocess.run(
            python("-m", "entrypoints.cli", *args), env=env, capture_output=True, text=True, timeout=180
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    weir("setup", "--email", "ops@example.com", "--name", "Ops", "--password", "secret123")
    imported = weir("apps", "import", str(dsl), "--publish")
    assert imported["status"].startswith("completed") and not imported["warnings"]
    assert imported["mode"] == "workflow" and imported["published"]
    listed = weir("apps", "list")
    assert [a["name"] for a in listed["data"]] == ["Ticket triage"]
