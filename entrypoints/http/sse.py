"""Server-sent events as Dify sends them: `data: {json}` + blank line, `event: ping` every 10 s."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from quart import Response, stream_with_context

PING = b"event: ping\n\n"
PING_INTERVAL_SECONDS = 10.0

T = TypeVar("T")


def event(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


def follow(
    next_item: Callable[[float], Awaitable[T | None]],
    render: Callable[[T], dict[str, Any]],
    last: Callable[[T], bool],
) -> AsyncIterator[bytes]:
    """A stream body: each item as an event as soon as it comes, a ping whenever none came for
    PING_INTERVAL_SECONDS (so proxies keep the connection), until the item `last` says ends the stream.
    `next_item(timeout)` returns None when the timeout passed."""
    return follow_frames(next_item, lambda item: event(render(item)), last)


async def follow_frames(
    next_item: Callable[[float], Awaitable[T | None]],
    frame: Callable[[T], bytes],
    last: Callable[[T], bool],
    ready: Callable[[], T | None] | None = None,
) -> AsyncIterator[bytes]:
    """`follow` for a renderer that makes the event's bytes itself (a frame it mostly precomputed).

    `ready()`, when given, answers an item that has already come (None when none has): the items waiting when
    one is sent go with it as one write, so a stream whose events queued up while the process was busy costs one
    send through the HTTP stack for the lot instead of one per token. Nothing waits for more to come."""
    while True:
        item = await next_item(PING_INTERVAL_SECONDS)
        if item is None:
            yield PING
            continue
        frames, done = [frame(item)], last(item)
        while not done and ready is not None and (item := ready()) is not None:
            frames.append(frame(item))
            done = last(item)
        yield frames[0] if len(frames) == 1 else b"".join(frames)
        if done:
            return


def stream_response(body: AsyncIterator[bytes], *, needs_context: bool = True) -> Response:
    """Called in a route: the body runs with the route's request and app context kept, so what renders an
    event may read the container (a tool file's signed URL in a streamed node_finished). A body that reads
    nothing of the request or the container (`needs_context=False`: a chat message's frames) is sent as it is,
    without the two generators that keep the context around every event."""

    @stream_with_context
    async def in_context() -> AsyncIterator[bytes]:
        try:
            async for chunk in body:
                yield chunk
        finally:  # a client gone closes the inner body at once, as it did without the wrapper
            close = getattr(body, "aclose", None)
            if close is not None:
                await close()

    response = Response(
        in_context() if needs_context else body,
        status=200,
        content_type="text/event-stream; charset=utf-8",
        # No buffering anywhere between weir and the client: proxies (nginx) and caches pass each event on.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
    )
    response.timeout = None
    return response
