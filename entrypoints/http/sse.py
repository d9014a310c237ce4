"""Server-sent events as Dify sends them: `data: {json}` + blank line, `event: ping` every 10 s."""

import json
from collections.abc import AsyncIterator
from typing import Any

from quart import Response

PING = b"event: ping\n\n"
PING_INTERVAL_SECONDS = 10.0


def event(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode() + b"\n\n"


def stream_response(body: AsyncIterator[bytes]) -> Response:
    response = Response(
        body,
        status=200,
        content_type="text/event-stream; charset=utf-8",
        # No buffering anywhere between weir and the client: proxies (nginx) and caches pass each event on.
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"},
    )
    response.timeout = None
    return response
