"""Indexes the housekeeping jobs read by (created in migrations 0006 and 0008).

Retention deletes the oldest rows first by creation time, the reapers look for running runs and
generating messages, and the orphan sweep for unused uploads: each walks an index range instead of
scanning the table. Declared here, on the shared metadata, so the schema and the migration agree.
"""

from sqlalchemy import Index, text

from adapters.persistence.schema import (
    messages,
    upload_files,
    workflow_app_logs,
    workflow_node_executions,
    workflow_runs,
)
from adapters.persistence.schema.knowledge import embeddings

MAINTENANCE_INDEXES = (
    Index("ix_messages_created_at", messages.c.created_at),
    Index("ix_workflow_runs_created_at", workflow_runs.c.created_at),
    Index("ix_workflow_node_executions_created_at", workflow_node_executions.c.created_at),
    Index("ix_workflow_app_logs_created_at", workflow_app_logs.c.created_at),
    Index("ix_embeddings_created_at", embeddings.c.created_at),
    Index("ix_workflow_runs_running_created_at", workflow_runs.c.created_at,
          postgresql_where=text("status = 'running'")),
    Index("ix_upload_files_unused_created_at", upload_files.c.created_at, postgresql_where=text("NOT used")),
    Index("ix_upload_files_created_by", upload_files.c.created_by),
    # The orphan reaper's walk over messages still generating (migration 0008).
    Index("ix_messages_generating_created_at", messages.c.created_at, postgresql_where=text("status = 'generating'")),
)
