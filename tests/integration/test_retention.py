"""Retention on the embedded PostgreSQL: bounded batches by an index range, while inserts go on."""

import asyncio
import logging
import os
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from adapters.persistence.maintenance_retention import SqlaExpiredRecordStore
from adapters.system.clock import SystemClock
from application.maintenance.purge_expired_records import PurgeExpiredRecords
from domain.maintenance.policies import ExpiringRecords, RetentionPolicy
from tests.integration.maintenance_seed import seed_app, seed_messages
from tests.polling import eventually

# 1M rows take ~34 s on a 2-core machine (seeding included): the test runs a smaller set by default,
# bench/retention.py runs the million and prints its figures.
ROWS = int(os.environ.get("WEIR_RETENTION_TEST_ROWS", "200000"))


async def insert_while(url: str, app_id: str, conversation_id: str, running: asyncio.Event, seen: dict) -> dict:
    """Inserts fresh messages (each with a feedback) one transaction at a time, as chat traffic does,
    with lock_timeout = 1s: a lock wait over a second is an error, and counted in `seen`."""
    seen.update(inserted=0, lock_timeouts=0, slowest=0.0)
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SET lock_timeout = '1s'")
        while running.is_set():
            started = time.monotonic()
            try:
                async with conn.transaction():
                    row = await (await conn.execute(
                        "INSERT INTO messages (app_id, conversation_id, query) VALUES (%s, %s, 'fresh') RETURNING id",
                        (app_id, conversation_id),
                    )).fetchone()
                    await conn.execute(
                        "INSERT INTO message_feedbacks (app_id, conversation_id, message_id, rating, from_source)"
                        " VALUES (%s, %s, %s, 'like', 'user')", (app_id, conversation_id, row[0]),
                    )
                seen["inserted"] += 1
            except psycopg.errors.LockNotAvailable:
                seen["lock_timeouts"] += 1
            seen["slowest"] = max(seen["slowest"], time.monotonic() - started)
            await asyncio.sleep(0.002)
    return seen


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()[0]


async def test_retention_deletes_exactly_the_expired_messages_in_batches_while_inserts_go_on(
    engine, clean_database, caplog
):
    url = clean_database
    _, app_id, conversation_id = seed_app(url)
    expired = seed_messages(url, app_id, conversation_id, ROWS)
    feedbacks_kept = _count(url, "SELECT count(*) FROM message_feedbacks f JOIN messages m ON m.id = f.message_id"
                                 " WHERE m.created_at > now() - interval '30 days'")
    running = asyncio.Event()
    running.set()
    seen: dict = {}
    inserter = asyncio.create_task(insert_while(url, app_id, conversation_id, running, seen))
    await eventually(lambda: seen.get("inserted", 0) >= 10, what="the chat traffic to be inserting")

    batch_size = 5000
    policy = RetentionPolicy({ExpiringRecords.MESSAGES: 30})
    use_case = PurgeExpiredRecords(SqlaExpiredRecordStore(engine), SystemClock(), policy, batch_size)
    with caplog.at_level(logging.INFO, logger="application.maintenance.purge_expired_records"):
        report = await use_case.execute()
    running.clear()
    await inserter

    assert report.deleted == {ExpiringRecords.MESSAGES: expired}
    assert report.batches == expired // batch_size + 1  # full batches, then one short
    assert seen["lock_timeouts"] == 0 and seen["inserted"] > 0
    assert _count(url, "SELECT count(*) FROM messages WHERE created_at < now() - interval '30 days'") == 0
    assert _count(url, "SELECT count(*) FROM messages") == ROWS - expired + seen["inserted"]
    assert _count(url, "SELECT count(*) FROM message_feedbacks") == feedbacks_kept + seen["inserted"]
    lines = [r.getMessage() for r in caplog.records if r.name.endswith("purge_expired_records")]
    assert len(lines) == 1 and f"messages={expired}" in lines[0]
    print(f"\nretention: {expired} of {ROWS} rows in {report.batches} batches of {batch_size}, "
          f"{report.seconds:.2f} s ({expired / report.seconds:,.0f} rows/s); concurrent inserts "
          f"{seen['inserted']}, lock timeouts {seen['lock_timeouts']}, slowest insert {seen['slowest'] * 1000:.0f} ms")


async def test_the_delete_walks_the_created_at_index(engine, clean_database):
    _, app_id, conversation_id = seed_app(clean_database)
    seed_messages(clean_database, app_id, conversation_id, 20000)
    with psycopg.connect(clean_database) as conn:
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE created_at < now() - "
            "interval '30 days' ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)"
        ).fetchall())
    assert "ix_messages_created_at" in plan and "Seq Scan on messages" not in plan.split("LockRows")[-1]


@pytest.mark.parametrize("days", [0])
async def test_zero_days_keeps_everything(engine, clean_database, days):
    _, app_id, conversation_id = seed_app(clean_database)
    seed_messages(clean_database, app_id, conversation_id, 100)
    policy = RetentionPolicy({kind: days for kind in ExpiringRecords})
    report = await PurgeExpiredRecords(SqlaExpiredRecordStore(engine), SystemClock(), policy).execute()
    assert report.deleted == {} and _count(clean_database, "SELECT count(*) FROM messages") == 100


async def test_runs_node_executions_app_logs_and_embeddings_expire_by_their_own_days(engine, clean_database):
    tenant, app_id, _ = seed_app(clean_database)
    old, new = datetime.now(UTC) - timedelta(days=40), datetime.now(UTC) - timedelta(days=5)
    with psycopg.connect(clean_database, autocommit=True) as conn:
        for at in (old, new):
            run = conn.execute(
                "INSERT INTO workflow_runs (tenant_id, app_id, workflow_id, type, triggered_from, version, status,"
                " created_by_role, created_by, created_at) VALUES (%s, %s, gen_random_uuid(), 'workflow', 'app-run',"
                " 'v', 'succeeded', 'end_user', gen_random_uuid(), %s) RETURNING id", (tenant, app_id, at),
            ).fetchone()[0]
            conn.execute(
                "INSERT INTO workflow_node_executions (tenant_id, app_id, workflow_id, triggered_from, workflow_run_id,"
                " index, node_id, node_type, title, status, created_by_role, created_by, created_at) VALUES"
                " (%s, %s, gen_random_uuid(), 'workflow-run', %s, 1, 'n', 'start', 'Start', 'succeeded', 'end_user',"
                " gen_random_uuid(), %s)", (tenant, app_id, run, at),
            )
            conn.execute(
                "INSERT INTO workflow_app_logs (tenant_id, app_id, workflow_id, workflow_run_id, created_from,"
                " created_by_role, created_by, created_at) VALUES (%s, %s, gen_random_uuid(), %s, 'service-api',"
                " 'end_user', gen_random_uuid(), %s)", (tenant, app_id, run, at),
            )
            conn.execute(
                "INSERT INTO embeddings (model_name, hash, embedding, created_at) VALUES ('m', md5(%s::text), '\\x00', %s)",
                (at, at),
            )
    policy = RetentionPolicy({
        ExpiringRecords.WORKFLOW_RUNS: 30, ExpiringRecords.WORKFLOW_NODE_EXECUTIONS: 30,
        ExpiringRecords.WORKFLOW_APP_LOGS: 3, ExpiringRecords.EMBEDDINGS_CACHE: 60,
    })
    report = await PurgeExpiredRecords(SqlaExpiredRecordStore(engine), SystemClock(), policy).execute()
    assert report.deleted == {
        ExpiringRecords.WORKFLOW_RUNS: 1, ExpiringRecords.WORKFLOW_NODE_EXECUTIONS: 1,
        ExpiringRecords.WORKFLOW_APP_LOGS: 2, ExpiringRecords.EMBEDDINGS_CACHE: 0,
    }
    assert _count(clean_database, "SELECT count(*) FROM embeddings") == 2
