"""Task functions: thin, each calls one use case through the container of the process running it."""

from datetime import datetime
from uuid import UUID

from taskiq import Context, TaskiqDepends

from adapters.queue.taskiq_broker import queue_key
from adapters.queue.trace_dispatcher import MESSAGE_TRACE_TASK, NODE_TRACE_TASK, WORKFLOW_TRACE_TASK
from adapters.queue.workflow_run_dispatcher import RUN_WORKFLOW_TASK
from domain.telemetry.records import EventTimes
from entrypoints.worker import (
    knowledge_tasks,  # noqa: F401  (registers the knowledge tasks)
    maintenance_tasks,  # noqa: F401  (registers the housekeeping tasks)
)
from entrypoints.worker.broker import broker


def _times(payload: dict) -> EventTimes:
    def parse(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return EventTimes(parse(payload.get("started_at")), parse(payload.get("finished_at")), payload.get("status"))


@broker.task(task_name="weir.health.echo", queue_name=queue_key("workflow"))
async def echo(value: str) -> str:
    """Round-trips through the queue: proves a worker consumes it."""
    return value


@broker.task(task_name=WORKFLOW_TRACE_TASK, queue_name=queue_key("ops_trace"))
async def record_workflow_trace(run_id: str, times: dict, context: Context = TaskiqDepends()) -> str:
    use_case = context.state.container.telemetry.record_workflow_trace()
    return await use_case.execute(UUID(run_id), _times(times))


@broker.task(task_name=NODE_TRACE_TASK, queue_name=queue_key("ops_trace"))
async def record_node_trace(node_execution_id: str, times: dict, context: Context = TaskiqDepends()) -> str:
    use_case = context.state.container.telemetry.record_node_trace()
    return await use_case.execute(UUID(node_execution_id), _times(times))


@broker.task(task_name=MESSAGE_TRACE_TASK, queue_name=queue_key("ops_trace"))
async def record_message_trace(message_id: str, times: dict, context: Context = TaskiqDepends()) -> str:
    use_case = context.state.container.telemetry.record_message_trace()
    return await use_case.execute(UUID(message_id), _times(times))


@broker.task(task_name=RUN_WORKFLOW_TASK, queue_name=queue_key("workflow"))
async def run_workflow(run_id: str, task_id: str, user: str, context: Context = TaskiqDepends()) -> None:
    # A queued run: an async run starting, or a paused one going on after its form was answered.
    await context.state.container.workflows.resume_workflow_run().execute(UUID(run_id), UUID(task_id), user)
