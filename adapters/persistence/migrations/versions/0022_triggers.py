"""triggers: webhook URLs of drafts, the triggers of published workflows, a triggered run's root node

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 12:00:00.000000

New tables and one nullable column, nothing rewritten: `workflow_webhook_triggers` (one URL id per webhook node
of an app's draft), `app_triggers` (the trigger nodes of the published workflow, enabled or disabled, with a
schedule's cron, timezone and next run), `workflow_runs.root_node_id` (the trigger a run started from).
"""

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workflow_webhook_triggers',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('webhook_id', sa.String(length=24), nullable=False),
        sa.Column('created_by', sa.UUID(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE',
                                name=op.f('fk_workflow_webhook_triggers_app_id_apps')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_webhook_triggers')),
        sa.UniqueConstraint('webhook_id', name=op.f('uq_workflow_webhook_triggers_webhook_id')),
    )
    op.create_index(op.f('ix_workflow_webhook_triggers_app_id_node_id'), 'workflow_webhook_triggers',
                    ['app_id', 'node_id'], unique=True)
    op.create_table(
        'app_triggers',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('node_id', sa.String(length=64), nullable=False),
        sa.Column('trigger_type', sa.String(length=50), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('provider_name', sa.String(length=255), server_default='', nullable=False),
        sa.Column('status', sa.String(length=50), server_default='enabled', nullable=False),
        sa.Column('cron_expression', sa.String(length=255), nullable=True),
        sa.Column('timezone', sa.String(length=64), nullable=True),
        sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE', name=op.f('fk_app_triggers_app_id_apps')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_app_triggers')),
    )
    op.create_index(op.f('ix_app_triggers_app_id_node_id'), 'app_triggers', ['app_id', 'node_id'], unique=True)
    op.create_index(op.f('ix_app_triggers_next_run_at'), 'app_triggers', ['next_run_at'], unique=False)
    op.add_column('workflow_runs', sa.Column('root_node_id', sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column('workflow_runs', 'root_node_id')
    op.drop_index(op.f('ix_app_triggers_next_run_at'), table_name='app_triggers')
    op.drop_index(op.f('ix_app_triggers_app_id_node_id'), table_name='app_triggers')
    op.drop_table('app_triggers')
    op.drop_index(op.f('ix_workflow_webhook_triggers_app_id_node_id'), table_name='workflow_webhook_triggers')
    op.drop_table('workflow_webhook_triggers')
