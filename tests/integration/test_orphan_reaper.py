"""Process leases and the orphan reaper on the embedded PostgreSQL: only rows whose owner holds no live lease
are failed, by the database's clock; the answer streamed so far is saved only while a message generates."""

import uuid

import psycopg

from adapters.persistence.maintenance_leases import SqlaOrphanStore, SqlaProcessLeaseStore
from adapters.system.clock import SystemClock
from adapters.system.processes import LocalProcessProbe
from application.maintenance.reap_orphaned_work import ReapOrphanedWork
from domain.maintenance.leases import INTERRUPTED_MESSAGE, INTERRUPTED_RUN, ProcessIdentity
from tests.integration.maintenance_seed import seed_app


def _sql(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _message(url: str, app: str, conversation: str, owner, status: str = "generating", answer: str = "") -> str:
    return str(_sql(url, "INSERT INTO messages (app_id, conversation_id, query, answer, status, lease_owner)"
                         " VALUES (%s, %s, 'q', %s, %s, %s) RETURNING id", app, conversation, answer, status,
                    owner)[0][0])


def _run(url: str, tenant: str, app: str, owner, status: str = "running") -> str:
    run = str(_sql(url, "INSERT INTO workflow_runs (tenant_id, app_id, workflow_id, type, triggered_from, version,"
                        " status, created_by_role, created_by, lease_owner) VALUES (%s, %s, gen_random_uuid(),"
                        " 'workflow', 'app-run', 'v1', %s, 'end_user', gen_random_uuid(), %s) RETURNING id",
                   tenant, app, status, owner)[0][0])
    _sql(url, "INSERT INTO workflow_node_executions (tenant_id, app_id, workflow_id, triggered_from, workflow_run_id,"
              " index, node_id, node_type, title, status, created_by_role, created_by) SELECT tenant_id, app_id,"
              " workflow_id, 'workflow-run', id, 1, 'slow', 'code', 'Slow', 'running', 'end_user', created_by"
              " FROM workflow_runs WHERE id = %s", run)
    return run


ME = ProcessIdentity(host="test-host", pid=1, namespace="test-namespace")


async def test_only_rows_of_owners_without_a_live_lease_are_failed(engine, clean_database):
    url = clean_database
    tenant, app, conversation = seed_app(url)
    leases, orphans = SqlaProcessLeaseStore(engine), SqlaOrphanStore(engine)
    live, lapsed, released = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await leases.renew(live, ME, 30)
    await leases.renew(lapsed, ME, 30)
    await leases.renew(released, ME, 30)
    _sql(url, "UPDATE process_leases SET expires_at = now() - interval '1 second' WHERE owner = %s", lapsed)
    await leases.release(released)

    messages = {
        "live": _message(url, app, conversation, live, answer="Still going"),
        "lapsed": _message(url, app, conversation, lapsed, answer="Hel"),
        "released": _message(url, app, conversation, released),
        "answered": _message(url, app, conversation, lapsed, status="normal", answer="Done"),
    }
    runs = {
        "live": _run(url, tenant, app, live), "lapsed": _run(url, tenant, app, lapsed),
        "queued": _run(url, tenant, app, None), "ended": _run(url, tenant, app, lapsed, status="succeeded"),
    }
    reap = ReapOrphanedWork(orphans, leases, LocalProcessProbe(), SystemClock(), batch_size=1)
    assert await reap.execute() == 3

    stored = {name: _sql(url, "SELECT status, error, answer FROM messages WHERE id = %s", id_)[0]
              for name, id_ in messages.items()}
    assert stored == {
        "live": ("generating", None, "Still going"), "lapsed": ("error", INTERRUPTED_MESSAGE, "Hel"),
        "released": ("error", INTERRUPTED_MESSAGE, ""), "answered": ("normal", None, "Done"),
    }
    stored = {name: _sql(url, "SELECT r.status, r.error, r.finished_at IS NOT NULL, n.status FROM workflow_runs r"
                              " JOIN workflow_node_executions n ON n.workflow_run_id = r.id WHERE r.id = %s", id_)[0]
              for name, id_ in runs.items()}
    assert stored == {
        "live": ("running", None, False, "running"), "lapsed": ("failed", INTERRUPTED_RUN, True, "failed"),
        "queued": ("running", None, False, "running"), "ended": ("succeeded", None, False, "running"),
    }
    assert await reap.execute() == 0  # nothing twice


async def test_a_lease_is_renewed_by_the_databases_clock_and_found_by_its_namespace(engine, clean_database):
    leases = SqlaProcessLeaseStore(engine)
    owner = uuid.uuid4()
    await leases.renew(owner, ME, 30)
    [(first,)] = _sql(clean_database, "SELECT expires_at FROM process_leases WHERE owner = %s", owner)
    await leases.renew(owner, ME, 60)
    [(second, started)] = _sql(clean_database, "SELECT expires_at, started_at FROM process_leases WHERE owner = %s",
                               owner)
    assert second > first and 55 < (second - started).total_seconds() < 65
    assert await leases.leases_in("test-namespace") == [(owner, 1)]
    assert await leases.leases_in("another-namespace") == []
    _sql(clean_database, "UPDATE process_leases SET expires_at = now() - interval '2 hours'")
    assert await leases.leases_in("test-namespace") == []
    assert await SqlaOrphanStore(engine).forget_expired_leases() == 1


async def test_the_answer_so_far_is_saved_only_while_the_message_generates(uow_factory, clean_database):
    _, app, conversation = seed_app(clean_database)
    generating = _message(clean_database, app, conversation, uuid.uuid4())
    answered = _message(clean_database, app, conversation, uuid.uuid4(), status="normal", answer="Final answer")
    for message_id in (generating, answered):
        async with uow_factory() as uow:
            await uow.messages.save_progress(uuid.UUID(message_id), "Partial")
            await uow.commit()
    assert _sql(clean_database, "SELECT answer FROM messages WHERE id = %s", generating) == [("Partial",)]
    assert _sql(clean_database, "SELECT answer FROM messages WHERE id = %s", answered) == [("Final answer",)]
    async with uow_factory() as uow:  # a message still generating is no turn of the conversation's history
        assert [m.answer for m in await uow.messages.history(uuid.UUID(conversation), 10)] == ["Final answer"]
        assert (await uow.messages.first(uuid.UUID(conversation))).answer == "Final answer"


async def test_the_reaper_walks_the_index_of_generating_messages(engine, clean_database):
    _, app, conversation = seed_app(clean_database)
    _sql(clean_database, "INSERT INTO messages (app_id, conversation_id, query, status, created_at)"
                         " SELECT %s, %s, 'q', 'normal', now() - i * interval '1 second'"
                         " FROM generate_series(1, 20000) AS i", app, conversation)
    _sql(clean_database, "ANALYZE messages")
    plan = _sql(clean_database, "EXPLAIN SELECT id FROM messages WHERE status = 'generating' ORDER BY created_at"
                                " LIMIT 500")
    assert "ix_messages_generating_created_at" in "\n".join(line for (line,) in plan)
