"""human input: paused runs' state and their forms

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-02 01:00:00.000000

Two new tables, nothing rewritten: `workflow_pauses` (one row per paused run, the engine's state as JSON)
and `human_input_forms` (the forms those runs wait on, found by token; a partial index finds the waiting
ones whose time ran out).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0018'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workflow_pauses',
        sa.Column('workflow_run_id', sa.UUID(), nullable=False),
        sa.Column('state', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['workflow_run_id'], ['workflow_runs.id'], ondelete='CASCADE',
                                name=op.f('fk_workflow_pauses_workflow_run_id_workflow_runs')),
        sa.PrimaryKeyConstraint('workflow_run_id', name=op.f('pk_workflow_pauses')),
    )
    op.create_table(
        'human_input_forms',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('form_token', sa.String(length=255), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('workflow_run_id', sa.UUID(), nullable=False),
        sa.Column('node_id', sa.String(length=255), nullable=False),
        sa.Column('node_title', sa.String(length=255), nullable=False),
        sa.Column('definition', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_data', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('selected_action_id', sa.String(length=255), nullable=True),
        sa.Column('submitted_by', sa.UUID(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE',
                                name=op.f('fk_human_input_forms_app_id_apps')),
        sa.ForeignKeyConstraint(['workflow_run_id'], ['workflow_runs.id'], ondelete='CASCADE',
                                name=op.f('fk_human_input_forms_workflow_run_id_workflow_runs')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_human_input_forms')),
        sa.UniqueConstraint('form_token', name=op.f('uq_human_input_forms_form_token')),
    )
    op.create_index(op.f('ix_human_input_forms_workflow_run_id'), 'human_input_forms', ['workflow_run_id'])
    op.create_index('ix_human_input_forms_waiting_expires_at', 'human_input_forms', ['expires_at'],
                    postgresql_where=sa.text("status = 'waiting'"))


def downgrade() -> None:
    op.drop_index('ix_human_input_forms_waiting_expires_at', table_name='human_input_forms')
    op.drop_index(op.f('ix_human_input_forms_workflow_run_id'), table_name='human_input_forms')
    op.drop_table('human_input_forms')
    op.drop_table('workflow_pauses')
