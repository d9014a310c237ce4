"""The in-process broker's shutdown drain: it waits for every task, those started meanwhile too, and ends once
they are done instead of spinning on a task that has just finished (its leaving the broker's set is a callback
the loop has yet to run)."""

import asyncio

from taskiq import InMemoryBroker

from entrypoints.http.app import drain_in_memory


class CountingBroker(InMemoryBroker):
    def __init__(self) -> None:
        super().__init__()
        self.rounds = 0

    async def wait_all(self) -> None:
        self.rounds += 1
        assert self.rounds < 100, "the drain spins on a finished task without giving the loop a turn"
        await super().wait_all()


def _track(broker: InMemoryBroker, task: asyncio.Task) -> None:
    broker._running_tasks.add(task)  # as InMemoryBroker.kick does
    task.add_done_callback(broker._running_tasks.discard)


async def test_a_task_that_has_just_finished_does_not_keep_the_drain_spinning():
    broker = CountingBroker()
    _track(broker, asyncio.create_task(asyncio.sleep(0)))
    await asyncio.sleep(0)
    await asyncio.sleep(0)  # the task has finished; the callback that takes it out of the set is still queued
    await drain_in_memory(broker)
    assert not broker._running_tasks


async def test_tasks_started_by_the_tasks_being_drained_are_waited_for_too():
    broker, finished = CountingBroker(), []

    async def trace_job() -> None:
        await asyncio.sleep(0.01)
        finished.append("trace")

    async def chat_task() -> None:
        await asyncio.sleep(0.01)
        _track(broker, asyncio.create_task(trace_job()))  # sent as the chat ends, as a chat's trace job is
        finished.append("chat")

    _track(broker, asyncio.create_task(chat_task()))
    await drain_in_memory(broker)
    assert finished == ["chat", "trace"] and not broker._running_tasks
