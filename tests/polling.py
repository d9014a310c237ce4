"""Waiting for work done elsewhere (a background task, a worker process, a server): poll a check against a
deadline, never sleep a guessed time.

`eventually` is the one to use, from async tests and fixtures: it yields to the event loop between checks, so
the work being waited for (often on that same loop) keeps running. `eventually_sync` is its twin for sync
tests and fixtures only; it refuses to run inside an event loop, which its sleeps would block.
"""

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

TIMEOUT_SECONDS = 10.0
INTERVAL_SECONDS = 0.02


async def eventually(
    check: Callable[[], T | Awaitable[T]],
    timeout: float = TIMEOUT_SECONDS,
    interval: float = INTERVAL_SECONDS,
    what: str | None = None,
) -> T:
    """The first truthy value of `check()` (awaited when it returns an awaitable), tried every `interval`
    seconds; fails when `timeout` seconds pass first, saying what was awaited and the last value seen."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(_timed_out(check, timeout, what, value))
        await asyncio.sleep(interval)


def eventually_sync(
    check: Callable[[], T],
    timeout: float = TIMEOUT_SECONDS,
    interval: float = INTERVAL_SECONDS,
    what: str | None = None,
) -> T:
    """`eventually` for sync tests and fixtures (a subprocess to serve, a pid to exit). Not for async code."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError("eventually_sync would block the running event loop: await eventually(...) instead")
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(_timed_out(check, timeout, what, value))
        time.sleep(interval)


def _timed_out(check: Callable[[], object], timeout: float, what: str | None, last: object) -> str:
    awaited = what or getattr(check, "__qualname__", repr(check))
    return f"timed out after {timeout}s waiting for {awaited}; last value: {last!r}"
