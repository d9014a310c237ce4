"""Two schedulers against one real Redis: each periodic job is sent once per tick, not once per scheduler."""

import asyncio
import contextlib
import uuid

import redis.asyncio as redis
from taskiq import InMemoryBroker
from taskiq.cli.scheduler.run import SchedulerLoop
from taskiq.schedule_sources import LabelScheduleSource

from entrypoints.worker.scheduler import RedisTickLock, SingleFireScheduler

RUN_SECONDS = 3.5


def _broker(prefix: str, fired: list[str]) -> InMemoryBroker:
    """A broker with one cron and one 1-second interval job; each run appends its name to `fired`."""
    broker = InMemoryBroker()

    @broker.task(task_name=f"{prefix}.cron", schedule=[{"cron": "* * * * *"}])
    async def cron_job() -> None:
        fired.append("cron")

    @broker.task(task_name=f"{prefix}.interval", schedule=[{"interval": 1}])
    async def interval_job() -> None:
        fired.append("interval")

    return broker


async def _run_schedulers(count: int, client: redis.Redis | None, prefix: str) -> list[str]:
    fired: list[str] = []
    brokers = [_broker(prefix, fired) for _ in range(count)]
    schedulers = [
        SingleFireScheduler(b, [LabelScheduleSource(b)], RedisTickLock(client) if client else None) for b in brokers
    ]
    for scheduler in schedulers:
        for source in scheduler.sources:
            await source.startup()
        await scheduler.startup()
    loops = [asyncio.create_task(SchedulerLoop(s).run()) for s in schedulers]
    await asyncio.sleep(RUN_SECONDS)
    for loop in loops:
        loop.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await loop
    for broker in brokers:
        await broker.wait_all()
        await broker.shutdown()
    return fired


async def test_two_schedulers_fire_each_job_once_per_tick(redis_url):
    client = redis.from_url(redis_url)
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    try:
        fired = await _run_schedulers(2, client, prefix)
        ticks = {kind: [k async for k in client.scan_iter(f"weir:beat:{prefix}.{kind}:*")] for kind in
                 ("cron", "interval")}
        assert 1 <= fired.count("cron") == len(ticks["cron"]) <= 2  # 2 only if the run spans a minute boundary
        assert fired.count("interval") == len(ticks["interval"]) >= RUN_SECONDS - 1
    finally:
        async for key in client.scan_iter(f"weir:beat:{prefix}.*"):
            await client.delete(key)
        await client.aclose()


async def test_without_the_lock_two_schedulers_fire_twice():
    """The control: what the lock prevents."""
    fired = await _run_schedulers(2, None, f"test-{uuid.uuid4().hex[:8]}")
    assert fired.count("cron") >= 2
