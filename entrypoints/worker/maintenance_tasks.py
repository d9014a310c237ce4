"""Housekeeping tasks: periodic jobs on the `retention` queue (cron strings from settings, fired by
./dev/start-beat) and the purge of deleted apps on the `app_deletion` queue. Each calls one use case."""

from uuid import UUID

from taskiq import Context, TaskiqDepends

from adapters.queue.maintenance_dispatcher import PURGE_APP_TASK
from adapters.queue.taskiq_broker import queue_key
from entrypoints.settings import Settings
from entrypoints.worker.broker import broker

_settings = Settings()
RETENTION = queue_key("retention")


def every(cron: str) -> list[dict]:
    """A schedule label for `cron`; an empty string schedules nothing."""
    return [{"cron": cron}] if cron.strip() else []


@broker.task(task_name="weir.retention.apply", queue_name=RETENTION, schedule=every(_settings.RETENTION_CRON))
async def apply_retention(context: Context = TaskiqDepends()) -> dict[str, int]:
    report = await context.state.container.maintenance.apply_retention().execute()
    return {str(kind): count for kind, count in report.deleted.items()}


@broker.task(
    task_name="weir.retention.embeddings_cache", queue_name=RETENTION,
    schedule=every(_settings.EMBEDDINGS_CACHE_CLEAN_CRON),
)
async def clean_embeddings_cache(context: Context = TaskiqDepends()) -> dict[str, int]:
    report = await context.state.container.maintenance.clean_embeddings_cache().execute()
    return {str(kind): count for kind, count in report.deleted.items()}


@broker.task(
    task_name="weir.retention.orphan_uploads", queue_name=RETENTION, schedule=every(_settings.ORPHAN_UPLOAD_CLEAN_CRON)
)
async def clean_orphan_uploads(context: Context = TaskiqDepends()) -> int:
    return await context.state.container.maintenance.clean_orphan_uploads().execute()


@broker.task(task_name="weir.retention.reap_stale_runs", queue_name=RETENTION, schedule=every(_settings.REAPER_CRON))
async def reap_stale_runs(context: Context = TaskiqDepends()) -> int:
    return await context.state.container.maintenance.reap_stale_runs().execute()


@broker.task(
    task_name="weir.retention.reap_orphaned_work", queue_name=RETENTION, schedule=every(_settings.REAPER_CRON)
)
async def reap_orphaned_work(context: Context = TaskiqDepends()) -> int:
    return await context.state.container.maintenance.reap_orphaned_work().execute()


@broker.task(
    task_name="weir.retention.resume_app_deletions", queue_name=RETENTION, schedule=every(_settings.REAPER_CRON)
)
async def resume_app_deletions(context: Context = TaskiqDepends()) -> int:
    return await context.state.container.maintenance.resume_app_deletions().execute()


@broker.task(task_name=PURGE_APP_TASK, queue_name=queue_key("app_deletion"))
async def purge_app(app_id: str, context: Context = TaskiqDepends()) -> dict[str, int]:
    deleted = await context.state.container.maintenance.purge_deleted_app().execute(UUID(app_id))
    return {str(records): count for records, count in deleted.items()}


@broker.task(
    task_name="weir.workflow.expire_human_input_forms", queue_name=RETENTION,
    schedule=every(_settings.HUMAN_INPUT_TIMEOUT_CRON),
)
async def expire_human_input_forms(context: Context = TaskiqDepends()) -> int:
    """Forms nobody answered in time: their runs go on along the timeout edge."""
    return await context.state.container.workflows.expire_human_input_forms().execute()


@broker.task(
    task_name="weir.workflow.fire_due_schedules", queue_name=RETENTION, schedule=every(_settings.SCHEDULE_TRIGGER_CRON),
)
async def fire_due_schedules(context: Context = TaskiqDepends()) -> int:
    """Schedule triggers whose time has come start their runs (each firing once, however many beats run)."""
    return await context.state.container.workflows.fire_due_schedules().execute()
