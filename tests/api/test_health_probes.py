"""/health asks the vector store and the code sandbox for real: a Milvus nobody serves is down, with why."""

import time

import pytest
from taskiq import InMemoryBroker

from application.check_health import PROBE_TIMEOUT_SECONDS
from entrypoints.container import build_container
from entrypoints.database import Database
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.processes import free_port


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch):
    for name in ("REDIS_URL", "REDIS_HOST", "DB_HOST", "SECRET_KEY", "MILVUS_TOKEN", "MILVUS_DATABASE"):
        monkeypatch.delenv(name, raising=False)


async def health(database_url: str, **settings) -> tuple[int, dict, float]:
    """The status, the body and how long GET /health took."""
    container = build_container(Settings(_env_file=None, **settings), Database(url=database_url, embedded=False),
                                InMemoryBroker())
    async with create_app(container).test_app() as app:
        started = time.monotonic()
        response = await app.test_client().get("/health")
        return response.status_code, await response.get_json(), time.monotonic() - started


async def test_a_milvus_server_nobody_listens_on_is_reported_down_quickly_with_the_reason(clean_database, tmp_path):
    port = free_port()
    status, body, elapsed = await health(clean_database, STORAGE_PATH=tmp_path, VECTOR_STORE="milvus",
                                         MILVUS_URI=f"http://127.0.0.1:{port}")
    vector_store = body["checks"]["vector_store"]
    assert (vector_store["ok"], vector_store["kind"], vector_store["mode"]) == (False, "milvus", "server")
    assert f"127.0.0.1:{port}" in vector_store["error"]
    assert body["status"] == "degraded" and status == 200  # the API still serves; only the database is fatal
    assert elapsed < PROBE_TIMEOUT_SECONDS  # its own short timeout, not the health check's deadline


async def test_a_live_milvus_server_is_reported_up_with_its_version(clean_database, tmp_path):
    from milvus_lite.adapter.grpc.server import start_server_in_thread  # a real Milvus-protocol server

    server, db, port = start_server_in_thread(str(tmp_path / "served.db"))
    try:
        _, body, _ = await health(clean_database, STORAGE_PATH=tmp_path, VECTOR_STORE="milvus",
                               MILVUS_URI=f"http://127.0.0.1:{port}")
    finally:
        server.stop(grace=0)
        db.close()
    vector_store = body["checks"]["vector_store"]
    assert vector_store["ok"] and vector_store["mode"] == "server" and vector_store["server_version"]


async def test_a_milvus_lite_file_is_opened_to_answer(clean_database, tmp_path):
    _, body, _ = await health(clean_database, STORAGE_PATH=tmp_path, VECTOR_STORE="milvus",
                           MILVUS_URI=str(tmp_path / "missing-folder" / "kb.db"))
    assert body["checks"]["vector_store"]["ok"] is False and "missing-folder" in body["checks"]["vector_store"]["error"]
    _, body, _ = await health(clean_database, STORAGE_PATH=tmp_path, VECTOR_STORE="milvus")
    assert body["checks"]["vector_store"]["ok"] and body["checks"]["vector_store"]["mode"] == "lite"
    assert (tmp_path / "milvus.db").exists()


async def test_the_memory_store_says_it_lives_in_this_process(clean_database, tmp_path):
    _, body, _ = await health(clean_database, STORAGE_PATH=tmp_path, VECTOR_STORE="memory")
    assert body["checks"]["vector_store"] == {"ok": True, "kind": "memory", "location": "in-process",
                                              "persistent": "false"}
