"""Run event logs: what one process appends, another reads back as the same typed events, in order."""

import asyncio
from uuid import uuid4

import pytest
import redis.asyncio as redis_client

from adapters.coordination.run_events import InProcessRunEventLog, RedisRunEventLog
from tests.workflow_fakes import sample_run_events


@pytest.fixture
def in_process_logs():
    log = InProcessRunEventLog()  # one log serves the one process
    return log, log


@pytest.fixture
async def redis_logs(redis, redis_url):
    """Two clients of the test Redis (weir's keys cleared before and after), as two processes have."""
    first, second = redis_client.from_url(redis_url), redis_client.from_url(redis_url)
    yield RedisRunEventLog(first), RedisRunEventLog(second)
    await first.aclose()
    await second.aclose()


@pytest.fixture(params=["in_process_logs", "redis_logs"])
def writer_and_reader(request):
    return request.getfixturevalue(request.param)


async def test_events_are_read_back_equal_and_in_order_from_any_position(writer_and_reader):
    writer, reader = writer_and_reader
    run_id, events = uuid4(), sample_run_events()
    for event in events:
        await writer.append(run_id, event)
    await writer.flush()  # readable from any process once flushed (a log may write behind)
    assert await reader.read(run_id, 0, wait=0) == list(enumerate(events, 1))
    assert await reader.read(run_id, 9, wait=0) == list(enumerate(events, 1))[9:]
    assert await reader.read(uuid4(), 0, wait=0) == []


async def test_a_waiting_reader_gets_what_is_appended_meanwhile(writer_and_reader):
    writer, reader = writer_and_reader
    run_id, first, second = uuid4(), *sample_run_events()[:2]
    await writer.append(run_id, first)
    await writer.flush()
    assert await reader.read(run_id, 1, wait=0.05) == []  # nothing new within the wait
    waiting = asyncio.create_task(reader.read(run_id, 1, wait=5))
    await writer.append(run_id, second)
    assert await asyncio.wait_for(waiting, 5) == [(2, second)]


async def test_a_paused_runs_events_outlive_the_hour_a_running_runs_get(redis_logs, redis_url):
    writer, _ = redis_logs
    run_id, events = uuid4(), sample_run_events()
    paused = next(e for e in events if e.kind == "workflow_paused")
    client = redis_client.from_url(redis_url)
    try:
        await writer.append(run_id, events[0])
        await writer.flush()
        assert await client.ttl(f"weir:run_events:{run_id}") <= 3600
        await writer.append(run_id, paused)  # its form may wait for days
        await writer.flush()
        assert await client.ttl(f"weir:run_events:{run_id}") > 7 * 24 * 3600
    finally:
        await client.aclose()


async def test_the_writer_reads_its_own_appends_at_once(writer_and_reader):
    writer, _ = writer_and_reader
    run_id, events = uuid4(), sample_run_events()
    for event in events:
        await writer.append(run_id, event)
    assert await writer.read(run_id, 0, wait=0) == list(enumerate(events, 1))


async def test_many_runs_appending_at_once_keep_each_runs_order(writer_and_reader):
    writer, reader = writer_and_reader
    events = sample_run_events()
    runs = [uuid4() for _ in range(20)]

    async def one_run(run_id):
        for event in events:
            await writer.append(run_id, event)
            await asyncio.sleep(0)  # interleave with the other runs, as concurrent runs do

    await asyncio.gather(*(one_run(run_id) for run_id in runs))
    await writer.flush()
    for run_id in runs:
        assert await reader.read(run_id, 0, wait=0) == list(enumerate(events, 1))


async def test_a_batch_redis_refuses_is_dropped_and_the_next_one_still_lands(redis_logs, monkeypatch):
    """A lost batch costs only a later re-attach (the live stream has its events); the run and the log go on."""
    writer, reader = redis_logs
    run_id, first, second = uuid4(), *sample_run_events()[:2]
    real_execute = redis_client.client.Pipeline.execute
    failures = []

    async def refuse_once(self, *args, **kwargs):
        if not failures:
            failures.append(True)
            raise redis_client.ConnectionError("connection lost")
        return await real_execute(self, *args, **kwargs)

    monkeypatch.setattr(redis_client.client.Pipeline, "execute", refuse_once)
    await writer.append(run_id, first)
    await writer.flush()  # logged, not raised
    await writer.append(run_id, second)
    await writer.flush()
    assert failures and await reader.read(run_id, 0, wait=0) == [(1, second)]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_the_in_process_log_forgets_a_run_an_hour_after_its_last_event_and_a_paused_one_later():
    clock = Clock()
    log = InProcessRunEventLog(clock)
    events = sample_run_events()
    paused = next(e for e in events if e.kind == "workflow_paused")
    finished, waiting, recent = uuid4(), uuid4(), uuid4()
    await log.append(finished, events[0])
    await log.append(waiting, paused)
    clock.now += 3000
    await log.append(recent, events[0])

    clock.now += 700  # the finished run's hour is over; the recent one's is not
    await log.append(uuid4(), events[0])  # the log looks for expired runs as it is written to

    assert await log.read(finished, 0, wait=0) == []
    assert await log.read(recent, 0, wait=0) == [(1, events[0])]
    assert await log.read(waiting, 0, wait=0) == [(1, paused)]  # its form may wait for days
