"""A pooled connection the server closed while it sat idle is replaced before anyone uses it; one in steady use
is handed out without a ping (adapters/persistence/engine.py)."""

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.persistence.engine import async_url, ping_idle_connections


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def _backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()


def _terminate(url: str, pid: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.fixture
async def pinged_engine(clean_database):
    engine = create_async_engine(async_url(clean_database), pool_size=1, max_overflow=0)
    clock = Clock()
    ping_idle_connections(engine, idle_seconds=5.0, clock=clock)
    yield engine, clock
    await engine.dispose()


async def test_a_connection_closed_while_idle_is_replaced_transparently(pinged_engine, clean_database):
    engine, clock = pinged_engine
    first = await _backend_pid(engine)
    _terminate(clean_database, first)
    clock.now += 6.0  # it sat in the pool past the threshold: pinged, found dead, replaced

    second = await _backend_pid(engine)

    assert second != first


async def test_a_connection_used_a_moment_ago_is_not_pinged(pinged_engine, clean_database):
    engine, clock = pinged_engine
    first = await _backend_pid(engine)
    _terminate(clean_database, first)
    clock.now += 1.0  # recently used: handed out as is, so the dead connection shows (the ping is what saved us)

    with pytest.raises(DBAPIError):
        await _backend_pid(engine)
    assert await _backend_pid(engine) != first  # and the pool recovers by itself on the next checkout
