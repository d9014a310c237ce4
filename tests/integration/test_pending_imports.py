"""Imports waiting for confirmation, in Redis and in one process's memory: what one API process keeps, another
takes, once; another workspace never sees it; it expires."""

import asyncio
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters.coordination.pending_imports import InProcessPendingImports, RedisPendingImports
from domain.workflows.dsl import PendingImport
from tests.polling import eventually


def _pending(**more) -> PendingImport:
    return PendingImport(
        id=uuid4(), tenant_id=uuid4(), account_id=uuid4(), yaml_content="app: {}\n", overrides={"name": "N"}, **more
    )


@pytest.fixture
async def two_processes(redis_url, redis):  # the `redis` fixture clears weir's keys before and after
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    yield RedisPendingImports(first), RedisPendingImports(second)
    await first.aclose()
    await second.aclose()


async def test_one_process_keeps_another_takes_once(two_processes):
    keeper, taker = two_processes
    pending = _pending(app_id=uuid4())
    await keeper.keep(pending, 60)
    assert await taker.take(uuid4(), pending.id) is None  # another workspace: not found, and still kept
    assert await taker.take(pending.tenant_id, pending.id) == pending
    assert await keeper.take(pending.tenant_id, pending.id) is None


async def test_of_many_simultaneous_confirmations_one_wins(two_processes):
    pending = _pending()
    await two_processes[0].keep(pending, 60)
    taken = await asyncio.gather(*(two_processes[i % 2].take(pending.tenant_id, pending.id) for i in range(10)))
    assert [t for t in taken if t is not None] == [pending]


async def test_a_kept_import_expires_in_redis(two_processes):
    pending = _pending()
    await two_processes[0].keep(pending, 0.2)

    async def gone() -> bool:
        return await two_processes[1].take(pending.tenant_id, pending.id) is None

    assert await eventually(gone, timeout=5)


async def test_in_one_process_the_same_rules_hold():
    clock = [0.0]
    store = InProcessPendingImports(now=lambda: clock[0])
    pending, later = _pending(), _pending()
    await store.keep(pending, 600)
    await store.keep(later, 600)
    assert await store.take(uuid4(), pending.id) is None
    assert await store.take(pending.tenant_id, pending.id) == pending
    assert await store.take(pending.tenant_id, pending.id) is None
    clock[0] = 601
    assert await store.take(later.tenant_id, later.id) is None  # expired
