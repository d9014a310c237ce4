"""Tasks of the knowledge and annotations contexts (the `dataset` queue)."""

from datetime import timedelta
from uuid import UUID

from taskiq import Context, TaskiqDepends

from adapters.queue.annotation_dispatcher import RUN_ANNOTATION_JOB_TASK
from adapters.queue.indexing_dispatcher import INDEX_DOCUMENT_TASK, RECOVER_DOCUMENTS_TASK
from adapters.queue.segment_import_dispatcher import RUN_SEGMENT_IMPORT_TASK
from adapters.queue.taskiq_broker import queue_key
from application.knowledge.recover_documents import STALE_AFTER
from entrypoints.worker.broker import broker


@broker.task(task_name=INDEX_DOCUMENT_TASK, queue_name=queue_key("dataset"))
async def index_document(document_id: str, context: Context = TaskiqDepends()) -> None:
    await context.state.container.knowledge.index_document().execute(UUID(document_id))


@broker.task(
    task_name=RECOVER_DOCUMENTS_TASK, queue_name=queue_key("dataset"), schedule=[{"cron": "*/5 * * * *"}]
)
async def recover_documents(stale_seconds: float = 600, context: Context = TaskiqDepends()) -> int:
    """Re-enqueues documents whose indexing job was lost, and chunk CSV imports whose job was (every 5 minutes
    under ./dev/start-beat)."""
    knowledge = context.state.container.knowledge
    await knowledge.recover_segment_imports().execute(timedelta(seconds=stale_seconds))
    return await knowledge.recover_documents().execute(timedelta(seconds=stale_seconds))


async def recover_lost_documents(knowledge, in_process: bool) -> int:
    """At API start-up: with the in-process broker every unfinished document (and chunk CSV import) lost its
    job when the last process stopped, so all are queued again; with Redis only those untouched for the usual
    while."""
    await knowledge.recover_segment_imports().execute(timedelta(0) if in_process else STALE_AFTER)
    return await knowledge.recover_documents().execute(timedelta(0) if in_process else STALE_AFTER)


@broker.task(task_name=RUN_ANNOTATION_JOB_TASK, queue_name=queue_key("dataset"))
async def run_annotation_job(job_id: str, context: Context = TaskiqDepends()) -> None:
    await context.state.container.annotations.run_job().execute(UUID(job_id))


@broker.task(task_name=RUN_SEGMENT_IMPORT_TASK, queue_name=queue_key("dataset"))
async def run_segment_import(job_id: str, context: Context = TaskiqDepends()) -> None:
    await context.state.container.knowledge.run_segment_import().execute(UUID(job_id))
