"""How large a request body may be, decided from its headers before a byte of it is read.

Dify has no limit of its own (nginx's `client_max_body_size` in front of it answers an oversized body); weir
serves without a proxy, so it bounds bodies itself. A JSON (or any non-multipart) body may be
MAX_REQUEST_BODY_MB; a multipart one, the largest upload limit (UPLOAD_*_SIZE_LIMIT) plus room for the form
around the file, each upload route then applying its own file limit (`file_too_large`). Over the limit, Quart
raises werkzeug's RequestEntityTooLarge: Dify's 413 `request_entity_too_large`, at once when Content-Length says
so, else as soon as the streamed body passes the limit; the rest is never buffered.
"""

from quart import request
from quart.wrappers import Request
from werkzeug.exceptions import RequestEntityTooLarge

MULTIPART_OVERHEAD_BYTES = 1024 * 1024  # the form fields and part headers around an upload


def bounded_request_class(json_max_bytes: int, multipart_max_bytes: int) -> type[Request]:
    class BoundedRequest(Request):
        def __init__(self, *args: object, max_content_length: int | None = None, **kwargs: object) -> None:
            headers = args[4] if len(args) > 4 else kwargs["headers"]
            content_type = (headers.get("Content-Type") or "").lower()  # type: ignore[union-attr]
            limit = multipart_max_bytes if content_type.startswith("multipart/") else json_max_bytes
            super().__init__(*args, max_content_length=limit, **kwargs)  # type: ignore[arg-type]
            self.max_content_length = limit  # the form parser's bound too

    return BoundedRequest


async def refuse_declared_oversize() -> None:
    """Before any route: a Content-Length over the body's limit is 413 whether or not the route reads the body."""
    declared, limit = request.content_length, request.max_content_length
    if declared is not None and limit is not None and declared > limit:
        raise RequestEntityTooLarge()
