"""indexes for retention, the stale-run reaper and the orphan-upload sweep

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00.000000

Built CONCURRENTLY: on a large messages table a plain CREATE INDEX would block writes for minutes.
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# (name, table, columns, partial condition)
INDEXES = (
    ("ix_messages_created_at", "messages", ["created_at"], None),
    ("ix_workflow_runs_created_at", "workflow_runs", ["created_at"], None),
    ("ix_workflow_node_executions_created_at", "workflow_node_executions", ["created_at"], None),
    ("ix_workflow_app_logs_created_at", "workflow_app_logs", ["created_at"], None),
    ("ix_embeddings_created_at", "embeddings", ["created_at"], None),
    ("ix_workflow_runs_running_created_at", "workflow_runs", ["created_at"], "status = 'running'"),
    ("ix_upload_files_unused_created_at", "upload_files", ["created_at"], "NOT used"),
    ("ix_upload_files_created_by", "upload_files", ["created_by"], None),
)


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, columns, where in INDEXES:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")  # an interrupted build leaves it invalid
            op.create_index(name, table, columns, postgresql_concurrently=True,
                            postgresql_where=sa.text(where) if where else None)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, _, _ in reversed(INDEXES):
            op.drop_index(name, table_name=table, postgresql_concurrently=True)
