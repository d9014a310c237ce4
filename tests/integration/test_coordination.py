"""Stop flags, concurrency slots and the caller cache's notices through Redis: what one API process sets, another sees."""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest
import redis.asyncio as redis

from adapters.coordination.caller_cache import RedisCallerCache
from adapters.coordination.in_process import InProcessConcurrencyLimiter, InProcessStopSignals
from adapters.coordination.redis_backed import RedisConcurrencyLimiter, RedisStopSignals
from domain.apps.entities import ApiToken, TokenType
from domain.apps.ports import KeyOwners
from tests.polling import eventually


@pytest.fixture
async def two_clients(redis_url):
    first, second = redis.from_url(redis_url), redis.from_url(redis_url)
    yield first, second
    await first.aclose()
    await second.aclose()


async def test_a_stop_requested_in_one_process_is_seen_in_another(two_clients):
    starter, stopper = RedisStopSignals(two_clients[0]), RedisStopSignals(two_clients[1])
    task = uuid4()
    await starter.register(task, "alice")
    await stopper.request_stop(task, "mallory")
    assert not await starter.is_stopped(task)
    await stopper.request_stop(task, "alice")
    assert await starter.is_stopped(task)
    await starter.forget(task)
    assert not await stopper.is_stopped(task)


async def test_a_waiter_hears_a_stop_from_another_process_without_polling(two_clients):
    starter, stopper = RedisStopSignals(two_clients[0]), RedisStopSignals(two_clients[1])
    early, late = uuid4(), uuid4()
    for task in (early, late):
        await starter.register(task, "alice")
    await stopper.request_stop(early, "alice")  # before anyone waits: the flag answers
    await asyncio.wait_for(starter.wait_stopped(early), 5)
    waiter = asyncio.create_task(starter.wait_stopped(late))
    await stopper.request_stop(late, "mallory")
    await asyncio.sleep(0)
    assert not waiter.done()
    await stopper.request_stop(late, "alice")
    await asyncio.wait_for(waiter, 5)
    await starter.close()


async def test_the_cap_holds_across_processes_under_a_race(two_clients):
    limiters = [RedisConcurrencyLimiter(c, max_execution_seconds=1200) for c in two_clients]
    app = uuid4()
    requests = [uuid4() for _ in range(20)]
    granted = await asyncio.gather(*(limiters[i % 2].acquire(app, r, 3) for i, r in enumerate(requests)))
    assert sum(granted) == 3
    winner = requests[granted.index(True)]
    await limiters[1].release(app, winner)
    assert await limiters[0].acquire(app, uuid4(), 3)


async def test_a_slot_of_a_crashed_process_expires(two_clients):
    limiter = RedisConcurrencyLimiter(two_clients[0], max_execution_seconds=0)
    app = uuid4()
    assert await limiter.acquire(app, uuid4(), 1)
    assert await limiter.acquire(app, uuid4(), 1)  # the first holder's slot is older than the execution limit


async def test_in_process_doubles_keep_the_same_rules():
    stops, limiter = InProcessStopSignals(), InProcessConcurrencyLimiter()
    task, app = uuid4(), uuid4()
    await stops.register(task, "alice")
    await stops.request_stop(task, "bob")
    assert not await stops.is_stopped(task)
    waiter = asyncio.create_task(stops.wait_stopped(task))
    await stops.request_stop(task, "alice")
    assert await stops.is_stopped(task)
    await asyncio.wait_for(waiter, 1)
    first = uuid4()
    assert await limiter.acquire(app, first, 1) and not await limiter.acquire(app, uuid4(), 1)
    await limiter.release(app, first)
    assert await limiter.acquire(app, uuid4(), 1)


async def test_a_key_revoked_or_an_app_changed_in_one_process_is_forgotten_in_another(two_clients):
    serving, editing = RedisCallerCache(two_clients[0], 60), RedisCallerCache(two_clients[1], 60)
    app_id, now = uuid4(), datetime.now(UTC)
    keys = [
        ApiToken(id=uuid4(), tenant_id=uuid4(), app_id=app_id, type=TokenType.APP, token=f"app-{n}", created_at=now)
        for n in range(2)
    ]
    await eventually(serving.listening, what="the serving process's subscription")
    for key in keys:
        serving.keep_caller(key.token, KeyOwners(key=key, app=None, tenant=None))
    assert serving.caller("app-0") is not None
    await editing.forget_key(keys[0].id)
    await eventually(lambda: serving.caller("app-0") is None, what="the revoke to reach the serving process")
    assert serving.caller("app-1") is not None
    await editing.forget_app(app_id)
    await eventually(lambda: serving.caller("app-1") is None, what="the app change to reach the serving process")
    await serving.close()
    await editing.close()


async def test_a_chat_setup_is_forgotten_in_another_process_when_its_app_or_workspace_changes(two_clients):
    serving, editing = RedisCallerCache(two_clients[0], 60), RedisCallerCache(two_clients[1], 60)
    tenant_id, other_tenant = uuid4(), uuid4()
    apps = [uuid4() for _ in range(3)]
    await eventually(serving.listening, what="the serving process's subscription")
    serving.keep_chat_setup(apps[0], tenant_id, "setup-0")
    serving.keep_chat_setup(apps[1], tenant_id, "setup-1")
    serving.keep_chat_setup(apps[2], other_tenant, "setup-2")
    assert serving.chat_setup(apps[0]) == "setup-0"
    await editing.forget_app(apps[0])  # its config or annotation reply setting changed
    await eventually(lambda: serving.chat_setup(apps[0]) is None, what="the config change to reach the process")
    assert serving.chat_setup(apps[1]) == "setup-1"
    await editing.forget_workspace(tenant_id)  # its provider credentials changed
    await eventually(lambda: serving.chat_setup(apps[1]) is None, what="the credentials change to reach it")
    assert serving.chat_setup(apps[2]) == "setup-2"  # another workspace's app keeps its setup
    await serving.close()
    await editing.close()
