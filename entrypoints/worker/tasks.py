"""Task functions: thin, each calls one use case through the worker's container."""

from entrypoints.worker.broker import broker


@broker.task(task_name="weir.health.echo")
async def echo(value: str) -> str:
    """Round-trips through the queue; `weir` uses it to prove a worker consumes the queue."""
    return value
