"""The suite's one way to wait for work done elsewhere."""

import asyncio

import pytest

from tests.polling import eventually, eventually_sync


async def test_eventually_returns_the_first_truthy_value_while_the_work_runs_on_the_same_loop():
    done: list[str] = []

    async def work() -> None:
        for step in ("a", "b", "c"):
            await asyncio.sleep(0.01)
            done.append(step)

    task = asyncio.create_task(work())
    assert await eventually(lambda: len(done) >= 2 and list(done), timeout=5) in (["a", "b"], ["a", "b", "c"])
    await task


async def test_eventually_awaits_an_async_check():
    calls = []

    async def check() -> int | None:
        calls.append(1)
        return len(calls) if len(calls) == 3 else None

    assert await eventually(check, interval=0) == 3


async def test_eventually_fails_at_the_deadline_naming_what_it_awaited_and_the_last_value():
    with pytest.raises(AssertionError, match=r"timed out after 0.05s waiting for the index; last value: \[\]"):
        await eventually(lambda: [], timeout=0.05, what="the index")


def test_the_sync_twin_polls_until_true():
    calls = []
    assert eventually_sync(lambda: calls.append(1) or len(calls) >= 3, interval=0) is True
    assert len(calls) == 3


async def test_the_sync_twin_refuses_to_block_a_running_event_loop():
    with pytest.raises(RuntimeError, match="await eventually"):
        eventually_sync(lambda: True)
