"""The README's quick start, through real sockets: the API process on embedded defaults, curl-like calls,
the `weir` CLI, and a clean stop; the embedded PostgreSQL never outlives the processes that use it."""

import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import psycopg
import pytest

from adapters.persistence.embedded_postgres import watchdog_pid
from tests.polling import eventually_sync
from tests.processes import free_port, python, serving, start, weir_env


@pytest.fixture
def tmp_path():
    """A folder outside pytest's basetemp: every pytest that starts (a parallel run too) resets
    /tmp/pytest-of-<user> to mode 0700, and an embedded PostgreSQL running as its own system user (weir
    started as root) could then no longer reach its data."""
    path = Path(tempfile.mkdtemp(prefix="weir-test-process-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def api_process(tmp_path):
    port = free_port()
    env = weir_env(PORT=str(port), STORAGE_PATH=str(tmp_path / "storage"), HOST="127.0.0.1")
    process = start(python("-m", "entrypoints.serve"), env, tmp_path / "api.log")
    base = f"http://127.0.0.1:{port}"
    try:
        eventually_sync(serving(base, process), 180, 0.1, "the API to serve /health")
    except AssertionError:
        process.kill()
        raise AssertionError((tmp_path / "api.log").read_text()) from None
    pgdata = (tmp_path / "storage" / "pgdata").resolve()
    servers = _embedded_processes(pgdata)
    yield base, process, tmp_path
    if process.poll() is None:  # stopped the way an operator would, so it stops its PostgreSQL too
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    eventually_sync(
        lambda: not any(map(_running, servers)), 30, what="the embedded PostgreSQL and its watchdog to stop"
    )


def test_quick_start_sequence_over_http(api_process):
    base, _, _ = api_process
    with httpx.Client(base_url=base, timeout=10) as http:
        assert (
            http.post(
                "/console/api/setup", json={"email": "me@example.com", "name": "Me", "password": "secret123"}
            ).status_code
            == 201
        )
        token = http.post("/console/api/login", json={"email": "me@example.com", "password": "secret123"}).json()[
            "data"
        ]["access_token"]
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
        return _running(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def _running(process: psutil.Process) -> bool:
    """Alive and not a zombie (a stopped postmaster's parent is init, which may be slow to reap it)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _embedded_processes(pgdata: Path) -> list[psutil.Process]:
    """The postmaster of this data directory, its children (checkpointer, io workers, sessions…) and the
    watchdog that stops them once no owner is alive."""
    postmaster = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    watchdog = watchdog_pid(pgdata)
    assert watchdog is not None, "no watchdog watches the embedded PostgreSQL"
    return [postmaster, *postmaster.children(recursive=True), psutil.Process(watchdog)]


def test_a_killed_api_leaves_no_embedded_postgres_behind(api_process):
    _, process, tmp_path = api_process
    servers = _embedded_processes((tmp_path / "storage" / "pgdata").resolve())
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    eventually_sync(
        lambda: not any(map(_running, servers)), 20, what="the embedded PostgreSQL to stop after kill -9 of the API"
    )


def _owner(storage: Path, log: Path) -> subprocess.Popen:
    """A process holding a handle on the embedded PostgreSQL under `storage` until it is killed."""
    code = (
        "import sys, pathlib; from adapters.persistence.embedded_postgres import start_embedded_postgres; "
        f"print(start_embedded_postgres(pathlib.Path({str(storage)!r})), flush=True); sys.stdin.read()"
    )
    process = subprocess.Popen(
        python("-c", code),
        cwd=Path(__file__).resolve().parents[2],
        env=weir_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log.open("wb"),
    )
    return process


def test_the_embedded_postgres_stays_while_one_owner_lives_and_stops_when_none_does(tmp_path):
    storage = tmp_path / "storage"
    first = _owner(storage, tmp_path / "first.log")
    url = first.stdout.readline().decode().strip()
    second = _owner(storage, tmp_path / "second.log")
    try:
        assert second.stdout.readline().decode().strip() == url, (tmp_path / "second.log").read_text()
        servers = _embedded_processes((storage / "pgdata").resolve())
        first.kill()
        first.wait(timeout=10)
        watching = time.monotonic() + 4  # eight looks of the watchdog: the server must stay for `second`
        while time.monotonic() < watching:
            with psycopg.connect(url, connect_timeout=5) as conn:
                assert conn.execute("SELECT 1").fetchone() == (1,)
            time.sleep(0.2)
        postmaster, *_, watchdog = servers  # (the other children come and go: sessions, autovacuum workers)
        assert _running(postmaster) and _running(watchdog)
        second.kill()
        second.wait(timeout=10)
        eventually_sync(
            lambda: not any(map(_running, servers)), 20, what="the embedded PostgreSQL to stop with its last owner"
        )
    finally:
        for owner in (first, second):
            if owner.poll() is None:
                owner.kill()
                owner.wait()
