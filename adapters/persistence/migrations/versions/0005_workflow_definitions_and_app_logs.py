"""workflow definitions (draft and published versions) and workflow app logs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 15:20:20.170015
"""

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('workflow_app_logs',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('workflow_id', sa.UUID(), nullable=False),
    sa.Column('workflow_run_id', sa.UUID(), nullable=False),
    sa.Column('created_from', sa.String(length=255), nullable=False),
    sa.Column('created_by_role', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_workflow_app_logs_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_app_logs'))
    )
    op.create_index(op.f('ix_workflow_app_logs_app_id_created_at'), 'workflow_app_logs', ['app_id', 'created_at'], unique=False)
    op.create_table('workflows',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('type', sa.String(length=255), nullable=False),
    sa.Column('version', sa.String(length=255), nullable=False),
    sa.Column('graph', sa.Text(), nullable=False),
    sa.Column('features', sa.Text(), server_default='{}', nullable=False),
    sa.Column('environment_variables', sa.Text(), server_default='[]', nullable=False),
    sa.Column('conversation_variables', sa.Text(), server_default='[]', nullable=False),
    sa.Column('marked_name', sa.String(length=255), server_default='', nullable=False),
    sa.Column('marked_comment', sa.String(length=255), server_default='', nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_workflows_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflows'))
    )
    op.create_index(op.f('ix_workflows_app_id_version'), 'workflows', ['app_id', 'version'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_workflows_app_id_version'), table_name='workflows')
    op.drop_table('workflows')
    op.drop_index(op.f('ix_workflow_app_logs_app_id_created_at'), table_name='workflow_app_logs')
    op.drop_table('workflow_app_logs')
