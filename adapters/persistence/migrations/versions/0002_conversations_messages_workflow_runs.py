"""conversations, messages, workflow runs, node executions, trace records

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 14:32:33.836487
"""

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trace_records',
    sa.Column('trace_key', sa.String(length=255), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('trace_key', name=op.f('pk_trace_records'))
    )
    op.create_table('conversations',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('app_model_config_id', sa.UUID(), nullable=True),
    sa.Column('model_provider', sa.String(length=255), nullable=True),
    sa.Column('override_model_configs', sa.Text(), nullable=True),
    sa.Column('model_id', sa.String(length=255), nullable=True),
    sa.Column('mode', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), server_default='', nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('inputs', sa.Text(), server_default='{}', nullable=False),
    sa.Column('introduction', sa.Text(), nullable=True),
    sa.Column('system_instruction', sa.Text(), nullable=True),
    sa.Column('system_instruction_tokens', sa.Integer(), server_default='0', nullable=False),
    sa.Column('status', sa.String(length=255), server_default='normal', nullable=False),
    sa.Column('invoke_from', sa.String(length=255), nullable=True),
    sa.Column('from_source', sa.String(length=255), server_default='api', nullable=False),
    sa.Column('from_end_user_id', sa.UUID(), nullable=True),
    sa.Column('from_account_id', sa.UUID(), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_account_id', sa.UUID(), nullable=True),
    sa.Column('dialogue_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('is_deleted', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_conversations_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations'))
    )
    op.create_index(op.f('ix_conversations_app_id_from_end_user_id_is_deleted_updated_at'), 'conversations', ['app_id', 'from_end_user_id', 'is_deleted', 'updated_at'], unique=False)
    op.create_table('workflow_node_executions',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('workflow_id', sa.UUID(), nullable=False),
    sa.Column('triggered_from', sa.String(length=255), nullable=False),
    sa.Column('workflow_run_id', sa.UUID(), nullable=True),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('predecessor_node_id', sa.String(length=255), nullable=True),
    sa.Column('node_execution_id', sa.String(length=255), nullable=True),
    sa.Column('node_id', sa.String(length=255), nullable=False),
    sa.Column('node_type', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('inputs', sa.Text(), nullable=True),
    sa.Column('process_data', sa.Text(), nullable=True),
    sa.Column('outputs', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=255), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('elapsed_time', sa.Float(), server_default='0', nullable=False),
    sa.Column('execution_metadata', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by_role', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_workflow_node_executions_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_node_executions'))
    )
    op.create_index(op.f('ix_workflow_node_executions_tenant_id_app_id_workflow_id_triggered_from_created_at'), 'workflow_node_executions', ['tenant_id', 'app_id', 'workflow_id', 'triggered_from', 'created_at'], unique=False)
    op.create_index(op.f('ix_workflow_node_executions_workflow_run_id_index'), 'workflow_node_executions', ['workflow_run_id', 'index'], unique=False)
    op.create_table('workflow_runs',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('workflow_id', sa.UUID(), nullable=False),
    sa.Column('type', sa.String(length=255), nullable=False),
    sa.Column('triggered_from', sa.String(length=255), nullable=False),
    sa.Column('version', sa.String(length=255), nullable=False),
    sa.Column('graph', sa.Text(), nullable=True),
    sa.Column('inputs', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=255), nullable=False),
    sa.Column('outputs', sa.Text(), server_default='{}', nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('elapsed_time', sa.Float(), server_default='0', nullable=False),
    sa.Column('total_tokens', sa.Integer(), server_default='0', nullable=False),
    sa.Column('total_steps', sa.Integer(), server_default='0', nullable=True),
    sa.Column('exceptions_count', sa.Integer(), server_default='0', nullable=True),
    sa.Column('created_by_role', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_workflow_runs_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workflow_runs'))
    )
    op.create_index(op.f('ix_workflow_runs_tenant_id_app_id_triggered_from_created_at'), 'workflow_runs', ['tenant_id', 'app_id', 'triggered_from', 'created_at'], unique=False)
    op.create_table('messages',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('model_provider', sa.String(length=255), nullable=True),
    sa.Column('model_id', sa.String(length=255), nullable=True),
    sa.Column('override_model_configs', sa.Text(), nullable=True),
    sa.Column('conversation_id', sa.UUID(), nullable=True),
    sa.Column('inputs', sa.Text(), server_default='{}', nullable=False),
    sa.Column('query', sa.Text(), server_default='', nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('message_tokens', sa.Integer(), server_default='0', nullable=False),
    sa.Column('message_unit_price', sa.Numeric(precision=10, scale=4), server_default='0', nullable=False),
    sa.Column('message_price_unit', sa.Numeric(precision=10, scale=7), server_default='0.001', nullable=False),
    sa.Column('answer', sa.Text(), server_default='', nullable=False),
    sa.Column('answer_tokens', sa.Integer(), server_default='0', nullable=False),
    sa.Column('answer_unit_price', sa.Numeric(precision=10, scale=4), server_default='0', nullable=False),
    sa.Column('answer_price_unit', sa.Numeric(precision=10, scale=7), server_default='0.001', nullable=False),
    sa.Column('parent_message_id', sa.UUID(), nullable=True),
    sa.Column('provider_response_latency', sa.Float(), server_default='0', nullable=False),
    sa.Column('time_to_first_token', sa.Float(), nullable=True),
    sa.Column('is_streaming', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('total_price', sa.Numeric(precision=10, scale=7), nullable=True),
    sa.Column('currency', sa.String(length=255), server_default='USD', nullable=False),
    sa.Column('status', sa.String(length=255), server_default='normal', nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('message_metadata', sa.Text(), nullable=True),
    sa.Column('invoke_from', sa.String(length=255), nullable=True),
    sa.Column('from_source', sa.String(length=255), server_default='api', nullable=False),
    sa.Column('from_end_user_id', sa.UUID(), nullable=True),
    sa.Column('from_account_id', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('agent_based', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('workflow_run_id', sa.UUID(), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_messages_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    op.create_index(op.f('ix_messages_app_id_created_at'), 'messages', ['app_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_messages_conversation_id_created_at'), 'messages', ['conversation_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_messages_conversation_id_created_at'), table_name='messages')
    op.drop_index(op.f('ix_messages_app_id_created_at'), table_name='messages')
    op.drop_table('messages')
    op.drop_index(op.f('ix_workflow_runs_tenant_id_app_id_triggered_from_created_at'), table_name='workflow_runs')
    op.drop_table('workflow_runs')
    op.drop_index(op.f('ix_workflow_node_executions_workflow_run_id_index'), table_name='workflow_node_executions')
    op.drop_index(op.f('ix_workflow_node_executions_tenant_id_app_id_workflow_id_triggered_from_created_at'), table_name='workflow_node_executions')
    op.drop_table('workflow_node_executions')
    op.drop_index(op.f('ix_conversations_app_id_from_end_user_id_is_deleted_updated_at'), table_name='conversations')
    op.drop_table('conversations')
    op.drop_table('trace_records')
