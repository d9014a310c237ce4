"""Login attempt counters, in this process and through Redis: what one API process counts, another sees."""

import asyncio
import time

import pytest
import redis.asyncio as redis_module

from adapters.coordination.attempt_counters import InProcessAttemptCounter, RedisAttemptCounter
from domain.shared.errors import StoreUnavailable
from tests.processes import free_port


@pytest.fixture(params=["memory", "redis"])
async def counter(request):
    if request.param == "memory":
        yield InProcessAttemptCounter()
        return
    client = redis_module.from_url(request.getfixturevalue("redis_url"))
    await _forget_counts(client)
    yield RedisAttemptCounter(client)
    await _forget_counts(client)
    await client.aclose()


async def _forget_counts(client) -> None:
    keys = [k async for k in client.scan_iter(match="weir:*_rate_limit:*")] + [
        f"weir:{k}" for k in ("restarted", "probe")
    ]
    await client.delete(*keys)


async def _until(check, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_add_counts_until_cleared_and_each_attempt_restarts_the_expiry(counter):
    assert await counter.count("login_error_rate_limit:a@example.com") == 0
    assert [await counter.add("login_error_rate_limit:a@example.com", 60) for _ in range(3)] == [1, 2, 3]
    assert await counter.count("login_error_rate_limit:a@example.com") == 3
    assert await counter.count("login_error_rate_limit:b@example.com") == 0
    await counter.clear("login_error_rate_limit:a@example.com")
    assert await counter.count("login_error_rate_limit:a@example.com") == 0

    await counter.add("restarted", 0.1)
    await counter.add("restarted", 60)  # the last attempt's expiry wins
    await counter.add("probe", 0.3)

    async def probe_expired() -> bool:
        return await counter.count("probe") == 0

    await _until(probe_expired)  # so "restarted" is past its first expiry too
    assert await counter.count("restarted") == 2


async def test_take_admits_up_to_the_limit_per_window_and_a_refusal_counts_nothing(counter):
    assert [await counter.take("login_ip_rate_limit:10.0.0.1", 3, 0.5) for _ in range(5)] == [True] * 3 + [False] * 2
    assert await counter.count("login_ip_rate_limit:10.0.0.1") == 3
    assert await counter.take("login_ip_rate_limit:10.0.0.2", 3, 0.5)

    async def window_over() -> bool:
        return await counter.take("login_ip_rate_limit:10.0.0.1", 3, 0.5)

    await _until(window_over)
    assert await counter.count("login_ip_rate_limit:10.0.0.1") == 1


async def test_two_processes_share_the_counts_and_the_budget_holds_under_a_race(redis, redis_url):
    clients = [redis_module.from_url(redis_url) for _ in range(2)]
    try:
        counters = [RedisAttemptCounter(c) for c in clients]
        taken = await asyncio.gather(*(counters[i % 2].take("login_ip_rate_limit:10.0.0.3", 7, 60) for i in range(30)))
        assert sum(taken) == 7
        await asyncio.gather(*(counters[i % 2].add("login_error_rate_limit:c@example.com", 60) for i in range(10)))
        assert await counters[0].count("login_error_rate_limit:c@example.com") == 10
        assert 0 < await redis.pttl("weir:login_error_rate_limit:c@example.com") <= 60_000
    finally:
        for c in clients:
            await c.aclose()


async def test_an_unreachable_redis_is_store_unavailable_not_a_silent_pass():
    client = redis_module.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    counter = RedisAttemptCounter(client)
    try:
        for call in (counter.count("k"), counter.add("k", 1), counter.take("k", 1, 1), counter.clear("k")):
            with pytest.raises(StoreUnavailable):
                await call
    finally:
        await client.aclose()
