import asyncio
import logging
from collections.abc import AsyncIterator, Coroutine
from typing import Any, TypeVar

from domain.conversations.events import GenerationEvent, GenerationStarted, MessageEnded, MessageFailed

log = logging.getLogger("weir.generation")
T = TypeVar("T")
CANCELLED_GRACE_SECONDS = 5.0


class MessageRun:
    """A generation in progress: what started, and a stream of its events for whoever listens.

    The generation itself runs in the background and does not depend on a listener: a client that
    disconnects mid-stream leaves it running to completion, and the message is saved (Dify behaviour).
    """

    def __init__(self, started: GenerationStarted) -> None:
        self.started = started
        self._events: asyncio.Queue[GenerationEvent] = asyncio.Queue()

    def publish(self, event: GenerationEvent) -> None:
        self._events.put_nowait(event)

    async def next_event(self, timeout: float | None = None) -> GenerationEvent | None:
        """The next event, or None when `timeout` seconds pass without one (time for a keep-alive ping)."""
        if not self._events.empty():  # most events are already queued: no timer needed
            return self._events.get_nowait()
        try:  # a timeout scope, not wait_for: that wraps the get in a task of its own, one per token
            async with asyncio.timeout(timeout):
                return await self._events.get()
        except TimeoutError:
            return None

    def ready_event(self) -> GenerationEvent | None:
        """An event that has already come, without waiting (None when none has)."""
        return self._events.get_nowait() if not self._events.empty() else None

    async def events(self) -> AsyncIterator[GenerationEvent]:
        while True:
            event = await self._events.get()
            yield event
            if isinstance(event, (MessageEnded, MessageFailed)):
                return


class Generations:
    """Keeps background generations referenced and lets the process wait for them when it stops."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.create_task(work)
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return task

    async def detached(self, work: Coroutine[Any, Any, T]) -> T:
        """Runs `work` (storing a message or a run, then spawning its generation) as a task of its own and
        returns its result. A caller cancelled meanwhile (its client went away) does not cancel it: what it
        stores is always followed by the generation that finishes it, never left half-started."""
        task = self.spawn(work)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():
                task.add_done_callback(_report_unawaited)
            raise

    @property
    def active(self) -> int:
        return len(self._running)

    async def drain(self, timeout: float) -> None:
        if not self._running:
            return
        _, pending = await asyncio.wait(set(self._running), timeout=timeout)
        for task in pending:
            log.warning("generation still running at shutdown; cancelling it")
            task.cancel()
        if pending:  # a cancelled generation stores its failure: let it, before the pools close
            await asyncio.wait(pending, timeout=CANCELLED_GRACE_SECONDS)


def _report_unawaited(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.info("a generation whose client had gone did not start: %r", task.exception())
