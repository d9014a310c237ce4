"""Statements sent on the session's own psycopg connection (adapters/persistence/driver_sql.py) belong to the unit of
work's transaction like any other, and a lost connection is a StoreUnavailable the pool recovers from."""

import psycopg
import pytest
from sqlalchemy import text

from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.secret_cipher import AesGcmSecretCipher
from domain.shared.errors import StoreUnavailable


@pytest.fixture
async def one_connection(clean_database):
    """A unit-of-work factory whose pool holds one connection, and its engine."""
    engine = make_engine(clean_database, pool_size=1, max_overflow=0)
    factory = make_session_factory(engine)
    cipher = AesGcmSecretCipher("integration-test-key")
    yield (lambda: SqlaUnitOfWork(factory, cipher)), engine
    await engine.dispose()


async def _claimed(uow_factory, key: str) -> bool:
    async with uow_factory() as uow:
        return not await uow.telemetry.claim(key)  # already there: the claim loses (and nothing is committed)


async def test_a_run_claim_marks_its_nodes_once(uow_factory):
    async with uow_factory() as uow:
        first = await uow.telemetry.claim_with("workflow_run:1", ["node_execution:a", "node_execution:b"])
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.telemetry.claim_with("workflow_run:1", ["node_execution:c"])
        await uow.commit()

    assert first == {"workflow_run:1", "node_execution:a", "node_execution:b"}
    assert again == set()
    assert not await _claimed(uow_factory, "node_execution:c")  # the run's key was taken: nothing else is marked


async def test_driver_statements_roll_back_with_the_session_statements(uow_factory):
    async with uow_factory() as uow:
        await uow.telemetry.claim("message:1")  # through the session
        await uow.telemetry.claim_with("workflow_run:2", ["node_execution:d"])  # on its psycopg connection
        # no commit

    assert not await _claimed(uow_factory, "message:1")
    assert not await _claimed(uow_factory, "workflow_run:2")
    assert not await _claimed(uow_factory, "node_execution:d")


async def test_driver_statements_commit_with_the_session_statements(uow_factory):
    async with uow_factory() as uow:
        await uow.telemetry.claim_with("workflow_run:3", ["node_execution:e"])
        await uow.telemetry.claim("message:3")
        await uow.commit()

    assert await _claimed(uow_factory, "workflow_run:3")
    assert await _claimed(uow_factory, "node_execution:e")
    assert await _claimed(uow_factory, "message:3")


async def test_a_connection_lost_under_a_driver_statement_is_store_unavailable_and_replaced(
    one_connection, clean_database
):
    uow_factory, engine = one_connection
    async with engine.connect() as conn:
        pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
    with psycopg.connect(clean_database, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

    with pytest.raises(StoreUnavailable):
        async with uow_factory() as uow:
            await uow.telemetry.claim_with("workflow_run:4", [])
            await uow.commit()

    async with uow_factory() as uow:  # the dead connection was thrown away: the pool's next one works
        assert await uow.telemetry.claim_with("workflow_run:4", []) == {"workflow_run:4"}
        await uow.commit()
