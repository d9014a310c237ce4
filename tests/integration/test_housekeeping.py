"""The reaper, the orphan-upload sweep and app deletion on the embedded PostgreSQL."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import psycopg
import pytest

from adapters.persistence.maintenance_app_purge import SqlaAppPurgeStore
from adapters.persistence.maintenance_retention import SqlaOrphanUploadStore, SqlaStaleRunStore
from adapters.storage.local_files import LocalFileStorage
from adapters.system.clock import SystemClock
from application.maintenance.clean_orphan_uploads import CleanOrphanUploads
from application.maintenance.purge_deleted_app import PurgeDeletedApp
from application.maintenance.reap_stale_runs import ReapStaleRuns
from domain.maintenance.app_purge import AppRecords
from domain.shared.errors import StoreUnavailable
from tests.integration.maintenance_seed import seed_app, seed_messages


def _rows(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def _add_run(conn, tenant: str, app: str, status: str, started: datetime) -> UUID:
    run = conn.execute(
        "INSERT INTO workflow_runs (tenant_id, app_id, workflow_id, type, triggered_from, version, status,"
        " created_by_role, created_by, created_at) VALUES (%s, %s, gen_random_uuid(), 'workflow', 'app-run', 'v',"
        " %s, 'end_user', gen_random_uuid(), %s) RETURNING id", (tenant, app, status, started),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO workflow_node_executions (tenant_id, app_id, workflow_id, triggered_from, workflow_run_id, index,"
        " node_id, node_type, title, status, created_by_role, created_by, created_at) VALUES (%s, %s,"
        " gen_random_uuid(), 'workflow-run', %s, 1, 'llm', 'llm', 'LLM', %s, 'end_user', gen_random_uuid(), %s)",
        (tenant, app, run, status, started),
    )
    return run


async def test_runs_left_running_past_the_limit_are_failed_with_reason_and_finish_time(engine, clean_database):
    tenant, app, _ = seed_app(clean_database)
    now = datetime.now(UTC)
    with psycopg.connect(clean_database, autocommit=True) as conn:
        lost = _add_run(conn, tenant, app, "running", now - timedelta(hours=2))
        live = _add_run(conn, tenant, app, "running", now - timedelta(minutes=5))
        done = _add_run(conn, tenant, app, "succeeded", now - timedelta(hours=3))

    assert await ReapStaleRuns(SqlaStaleRunStore(engine), SystemClock(), max_seconds=1200).execute() == 1

    runs = dict((r[0], r[1:]) for r in _rows(
        clean_database, "SELECT id, status, error, finished_at, elapsed_time FROM workflow_runs"))
    status, error, finished_at, elapsed = runs[lost]
    assert status == "failed" and "WORKFLOW_MAX_EXECUTION_TIME (1200 s)" in error
    assert finished_at is not None and 7100 < elapsed < 7300
    assert runs[live][0] == "running" and runs[done][0] == "succeeded"
    nodes = dict(_rows(clean_database, "SELECT workflow_run_id, status FROM workflow_node_executions"))
    assert nodes == {lost: "failed", live: "running", done: "succeeded"}


async def test_orphan_uploads_go_with_their_bytes_used_and_recent_ones_stay(engine, clean_database, tmp_path):
    tenant, _, _ = seed_app(clean_database)
    storage = LocalFileStorage(tmp_path)
    old, recent = datetime.now(UTC) - timedelta(hours=48), datetime.now(UTC) - timedelta(hours=1)
    with psycopg.connect(clean_database, autocommit=True) as conn:
        for key, at, used in (("orphan", old, False), ("used", old, True), ("recent", recent, False)):
            await storage.save(f"upload_files/{key}", b"bytes")
            conn.execute(
                "INSERT INTO upload_files (tenant_id, storage_type, key, name, size, extension, created_by_role,"
                " created_by, created_at, used) VALUES (%s, 'local', %s, 'f.txt', 5, 'txt', 'end_user',"
                " gen_random_uuid(), %s, %s)", (tenant, f"upload_files/{key}", at, used),
            )
    use_case = CleanOrphanUploads(SqlaOrphanUploadStore(engine), storage, SystemClock(), max_age_hours=24)
    assert await use_case.execute() == 1
    assert sorted(r[0] for r in _rows(clean_database, "SELECT key FROM upload_files")) == [
        "upload_files/recent", "upload_files/used"]
    assert sorted(p.name for p in (tmp_path / "upload_files").iterdir()) == ["recent", "used"]


def _seed_full_app(url: str, storage_root) -> tuple[str, str, str]:
    """An app with every kind of data a deletion must remove, plus another app that must survive."""
    tenant, app, conversation = seed_app(url)
    seed_messages(url, app, conversation, 3000, feedback_every=3)
    with psycopg.connect(url, autocommit=True) as conn:
        other = conn.execute(
            "INSERT INTO apps (tenant_id, name, mode) VALUES (%s, 'other', 'chat') RETURNING id", (tenant,)
        ).fetchone()[0]
        other_conversation = conn.execute(
            "INSERT INTO conversations (app_id, mode) VALUES (%s, 'chat') RETURNING id", (other,)).fetchone()[0]
        conn.execute("INSERT INTO messages (app_id, conversation_id) VALUES (%s, %s)", (other, other_conversation))
        for _ in range(3):
            _add_run(conn, tenant, app, "succeeded", datetime.now(UTC))
        conn.execute(
            "INSERT INTO workflow_app_logs (tenant_id, app_id, workflow_id, workflow_run_id, created_from,"
            " created_by_role, created_by) SELECT tenant_id, app_id, workflow_id, id, 'service-api', 'end_user',"
            " created_by FROM workflow_runs")
        conn.execute("INSERT INTO workflows (tenant_id, app_id, type, version, graph, created_by) VALUES"
                     " (%s, %s, 'workflow', 'draft', '{}', gen_random_uuid())", (tenant, app))
        conn.execute("INSERT INTO app_model_configs (app_id) VALUES (%s)", (app,))
        conn.execute("INSERT INTO api_tokens (app_id, tenant_id, type, token) VALUES (%s, %s, 'app', 'app-x')",
                     (app, tenant))
        user = conn.execute("INSERT INTO end_users (tenant_id, app_id, type, session_id) VALUES"
                            " (%s, %s, 'service-api', 'u') RETURNING id", (tenant, app)).fetchone()[0]
        tag = conn.execute("INSERT INTO tags (tenant_id, type, name) VALUES (%s, 'app', 't') RETURNING id",
                           (tenant,)).fetchone()[0]
        conn.execute("INSERT INTO tag_bindings (tenant_id, tag_id, target_id) VALUES (%s, %s, %s)", (tenant, tag, app))
        for i in range(5):
            key = f"upload_files/{tenant}/{i}.txt"
            (storage_root / "upload_files" / tenant).mkdir(parents=True, exist_ok=True)
            (storage_root / key).write_bytes(b"x")
            conn.execute("INSERT INTO upload_files (tenant_id, storage_type, key, name, size, extension,"
                         " created_by_role, created_by) VALUES (%s, 'local', %s, 'f', 1, 'txt', 'end_user', %s)",
                         (tenant, key, user))
        conn.execute("UPDATE apps SET status = 'deleting' WHERE id = %s", (app,))
    return tenant, app, str(other)


class _CrashingStore(SqlaAppPurgeStore):
    def __init__(self, engine, batches: int) -> None:
        super().__init__(engine)
        self.left = batches

    async def delete_batch(self, app_id, records, limit):
        self.left -= 1
        if self.left < 0:
            raise StoreUnavailable("worker killed")
        return await super().delete_batch(app_id, records, limit)


async def test_a_deleted_app_is_removed_in_batches_and_a_crash_resumes(engine, clean_database, tmp_path):
    tenant, app, other = _seed_full_app(clean_database, tmp_path)
    storage = LocalFileStorage(tmp_path)
    with pytest.raises(StoreUnavailable):  # the worker dies after three batches
        await PurgeDeletedApp(_CrashingStore(engine, batches=3), storage, SystemClock(), batch_size=500).execute(
            UUID(app))
    assert _rows(clean_database, "SELECT count(*) FROM message_feedbacks WHERE app_id = %s", app)[0][0] == 0
    assert _rows(clean_database, "SELECT count(*) FROM messages WHERE app_id = %s", app)[0][0] > 0

    deleted = await PurgeDeletedApp(SqlaAppPurgeStore(engine), storage, SystemClock(), batch_size=500).execute(
        UUID(app))
    assert deleted[AppRecords.MESSAGES] > 0 and deleted[AppRecords.UPLOAD_FILES] == 5
    for table in ("apps", "conversations", "messages", "message_feedbacks", "workflow_runs",
                  "workflow_node_executions", "workflow_app_logs", "workflows", "app_model_configs", "api_tokens",
                  "end_users"):
        column = "id" if table == "apps" else "app_id"
        assert _rows(clean_database, f"SELECT count(*) FROM {table} WHERE {column} = %s", app)[0][0] == 0, table
    assert _rows(clean_database, "SELECT count(*) FROM upload_files")[0][0] == 0
    assert _rows(clean_database, "SELECT count(*) FROM tag_bindings")[0][0] == 0
    assert list((tmp_path / "upload_files" / tenant).iterdir()) == []
    assert _rows(clean_database, "SELECT count(*) FROM messages WHERE app_id = %s", other)[0][0] == 1
    assert await PurgeDeletedApp(SqlaAppPurgeStore(engine), storage, SystemClock()).execute(UUID(app)) == {}


async def test_stalled_deletions_are_found_by_their_last_progress(engine, clean_database):
    _, app, _ = seed_app(clean_database)
    store = SqlaAppPurgeStore(engine)
    with psycopg.connect(clean_database, autocommit=True) as conn:
        conn.execute("UPDATE apps SET status = 'deleting', updated_at = now() - interval '1 hour' WHERE id = %s",
                     (app,))
    assert await store.stalled(datetime.now(UTC) - timedelta(minutes=10), 10) == [UUID(app)]
    await store.touch(UUID(app), datetime.now(UTC))
    assert await store.stalled(datetime.now(UTC) - timedelta(minutes=10), 10) == []
