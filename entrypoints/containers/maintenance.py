"""Wiring of the housekeeping jobs: retention, reapers, orphan uploads and app deletion, and this process's
lease (the orphan reaper's rule)."""

from dependency_injector import containers, providers

from adapters.persistence.maintenance_app_purge import SqlaAppPurgeStore
from adapters.persistence.maintenance_leases import SqlaOrphanStore, SqlaProcessLeaseStore
from adapters.persistence.maintenance_retention import (
    SqlaExpiredRecordStore,
    SqlaOrphanUploadStore,
    SqlaStaleRunStore,
)
from adapters.queue.maintenance_dispatcher import TaskiqAppPurgeQueue
from adapters.system.processes import LocalProcessProbe
from application.maintenance.clean_orphan_uploads import CleanOrphanUploads
from application.maintenance.process_lease import ProcessLease
from application.maintenance.purge_deleted_app import PurgeDeletedApp
from application.maintenance.purge_expired_records import PurgeExpiredRecords
from application.maintenance.reap_orphaned_work import ReapOrphanedWork
from application.maintenance.reap_stale_runs import ReapStaleRuns
from application.maintenance.resume_app_deletions import ResumeAppDeletions
from domain.maintenance.leases import LeaseTerms
from domain.maintenance.policies import ExpiringRecords, RetentionPolicy


def retention_policy(config: dict) -> RetentionPolicy:
    runs = config["workflow_run_days"]

    def days(key: str) -> int:
        return runs if config[key] is None else config[key]

    return RetentionPolicy({
        ExpiringRecords.MESSAGES: config["message_days"],
        ExpiringRecords.WORKFLOW_RUNS: runs,
        ExpiringRecords.WORKFLOW_NODE_EXECUTIONS: days("node_execution_days"),
        ExpiringRecords.WORKFLOW_APP_LOGS: days("app_log_days"),
    })


def embeddings_cache_policy(days: int) -> RetentionPolicy:
    return RetentionPolicy({ExpiringRecords.EMBEDDINGS_CACHE: days})


class MaintenanceContainer(containers.DeclarativeContainer):
    # Given by the root container (entrypoints/container.py).
    config = providers.Configuration()
    engine = providers.Dependency()
    lease_engine = providers.Dependency()  # unpooled: a renewal never waits for the requests' pool
    clock = providers.Dependency()
    ids = providers.Dependency()
    broker = providers.Dependency()
    file_storage = providers.Dependency()

    expired_records = providers.Singleton(SqlaExpiredRecordStore, engine)
    stale_runs = providers.Singleton(SqlaStaleRunStore, engine)
    orphan_uploads = providers.Singleton(SqlaOrphanUploadStore, engine)
    app_purge_store = providers.Singleton(SqlaAppPurgeStore, engine)
    app_purge_queue = providers.Singleton(TaskiqAppPurgeQueue, broker)
    process_leases = providers.Singleton(SqlaProcessLeaseStore, lease_engine)
    orphans = providers.Singleton(SqlaOrphanStore, engine)
    process_probe = providers.Singleton(LocalProcessProbe)

    apply_retention = providers.Factory(
        PurgeExpiredRecords, expired_records, clock, providers.Callable(retention_policy, config),
        config.batch_size,
    )
    clean_embeddings_cache = providers.Factory(
        PurgeExpiredRecords, expired_records, clock,
        providers.Callable(embeddings_cache_policy, config.embeddings_cache_days), config.batch_size,
        job="embeddings cache",
    )
    reap_stale_runs = providers.Factory(ReapStaleRuns, stale_runs, clock, config.max_run_seconds)
    reap_orphaned_work = providers.Factory(ReapOrphanedWork, orphans, process_leases, process_probe, clock)
    # This process's lease, shared by the chat and workflow use cases that record it on their rows.
    process_lease = providers.Singleton(
        ProcessLease, process_leases, process_probe, reap_orphaned_work,
        providers.Factory(LeaseTerms, config.lease_seconds), ids,
    )
    clean_orphan_uploads = providers.Factory(
        CleanOrphanUploads, orphan_uploads, file_storage, clock, config.orphan_upload_hours
    )
    purge_deleted_app = providers.Factory(PurgeDeletedApp, app_purge_store, file_storage, clock, config.batch_size)
    resume_app_deletions = providers.Factory(ResumeAppDeletions, app_purge_store, app_purge_queue, clock)
