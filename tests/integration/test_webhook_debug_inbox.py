"""Webhook test calls waiting for the editor, in Redis and in one process's memory: a call is kept only for the
(app, node) it was made for, taken once, oldest first, by whichever API process the editor's poll reaches; a
listener and a call expire."""

import asyncio
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters.coordination.webhook_debug import InProcessWebhookDebugInbox, RedisWebhookDebugInbox
from tests.polling import eventually


@pytest.fixture
async def two_processes(redis_url, redis):  # the `redis` fixture clears weir's keys before and after
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    yield RedisWebhookDebugInbox(first), RedisWebhookDebugInbox(second)
    await first.aclose()
    await second.aclose()


async def test_a_call_caught_by_one_process_is_taken_once_by_another(two_processes):
    web, editor = two_processes
    app = uuid4()
    assert not await web.listening(app, "hook")
    await editor.listen(app, "hook", 60)
    assert await web.listening(app, "hook") and not await web.listening(app, "other")
    await web.deliver(app, "hook", {"webhook_body": {"n": 1}}, 60)
    await web.deliver(app, "hook", {"webhook_body": {"n": 2}}, 60)
    assert await editor.take(uuid4(), "hook") is None and await editor.take(app, "other") is None
    taken = await asyncio.gather(*(two_processes[i % 2].take(app, "hook") for i in range(6)))
    # Each call is taken exactly once; which of the two concurrent takers gets which is a race between their
    # connections, so the order of gather's results says nothing.
    got = sorted((t for t in taken if t is not None), key=lambda t: t["webhook_body"]["n"])
    assert got == [{"webhook_body": {"n": 1}}, {"webhook_body": {"n": 2}}]
    assert await web.take(app, "hook") is None


async def test_a_listener_and_a_call_expire_in_redis(two_processes):
    app = uuid4()
    await two_processes[0].listen(app, "hook", 0.2)
    await two_processes[0].deliver(app, "hook", {"x": 1}, 0.2)

    async def gone() -> bool:
        return not await two_processes[1].listening(app, "hook") and await two_processes[1].take(app, "hook") is None

    assert await eventually(gone, timeout=5)


async def test_in_one_process_the_same_rules_hold():
    clock = [0.0]
    inbox = InProcessWebhookDebugInbox(now=lambda: clock[0])
    app = uuid4()
    await inbox.listen(app, "hook", 10)
    await inbox.deliver(app, "hook", {"n": 1}, 5)
    await inbox.deliver(app, "hook", {"n": 2}, 50)
    assert await inbox.listening(app, "hook") and not await inbox.listening(uuid4(), "hook")
    clock[0] = 20  # the listener stopped polling, the first call is stale
    assert not await inbox.listening(app, "hook")
    assert await inbox.take(app, "hook") == {"n": 2}
    assert await inbox.take(app, "hook") is None
