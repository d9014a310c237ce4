"""A stream's events already waiting go out together, in order, and nothing after the last one."""

import asyncio

from hypothesis import given
from hypothesis import strategies as st

from entrypoints.http.sse import follow_frames


def chunks_of(batches: list[list[str]], coalesce: bool) -> list[bytes]:
    """The body's chunks when the events arrive in `batches` (each batch queued at once); "end" ends it."""

    async def body() -> list[bytes]:
        queue: asyncio.Queue[str] = asyncio.Queue()

        async def produce() -> None:
            for batch in batches:
                for item in batch:
                    queue.put_nowait(item)
                await asyncio.sleep(0)
                await asyncio.sleep(0)
            queue.put_nowait("end")

        async def next_item(timeout: float) -> str | None:
            return await queue.get()

        def ready() -> str | None:
            return queue.get_nowait() if not queue.empty() else None

        producer = asyncio.create_task(produce())
        frames = follow_frames(next_item, lambda item: f"data: {item}\n\n".encode(), lambda item: item == "end",
                               ready if coalesce else None)
        found = [chunk async for chunk in frames]
        producer.cancel()
        return found

    return asyncio.run(body())


@given(st.lists(st.lists(st.sampled_from(["a", "b", "end"]), min_size=1, max_size=4), min_size=1, max_size=5))
def test_the_bytes_are_those_of_one_frame_per_event_up_to_the_last(batches):
    one_by_one = chunks_of(batches, coalesce=False)
    together = chunks_of(batches, coalesce=True)
    assert b"".join(together) == b"".join(one_by_one)
    assert b"".join(together).endswith(b"data: end\n\n") and b"".join(together).count(b"end") == 1
    assert len(together) <= len(one_by_one)


def test_events_queued_at_once_are_one_write():
    assert chunks_of([["a", "b", "a"]], coalesce=True) == [b"data: a\n\ndata: b\n\ndata: a\n\n", b"data: end\n\n"]
