"""app model configs, model providers and default models, message feedback, upload files

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:42:20.109467
"""

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('upload_files',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('storage_type', sa.String(length=255), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('extension', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=255), nullable=True),
    sa.Column('created_by_role', sa.String(length=255), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('used', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('used_by', sa.UUID(), nullable=True),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hash', sa.String(length=255), nullable=True),
    sa.Column('source_url', sa.Text(), server_default='', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_upload_files'))
    )
    op.create_index(op.f('ix_upload_files_tenant_id_created_at'), 'upload_files', ['tenant_id', 'created_at'], unique=False)
    op.create_table('provider_credentials',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('provider', sa.String(length=255), nullable=False),
    sa.Column('endpoint_url', sa.Text(), nullable=False),
    sa.Column('encrypted_api_key', sa.Text(), nullable=True),
    sa.Column('models', sa.Text(), server_default='[]', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_provider_credentials_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_credentials')),
    sa.UniqueConstraint('tenant_id', 'provider', name=op.f('uq_provider_credentials_tenant_id_provider'))
    )
    op.create_table('tenant_default_models',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('model_type', sa.String(length=40), nullable=False),
    sa.Column('provider_name', sa.String(length=255), nullable=False),
    sa.Column('model_name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_default_models_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_default_models')),
    sa.UniqueConstraint('tenant_id', 'model_type', name=op.f('uq_tenant_default_models_tenant_id_model_type'))
    )
    op.create_table('app_model_configs',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('provider', sa.String(length=255), nullable=True),
    sa.Column('model_id', sa.String(length=255), nullable=True),
    sa.Column('model', sa.Text(), nullable=True),
    sa.Column('pre_prompt', sa.Text(), nullable=True),
    sa.Column('user_input_form', sa.Text(), nullable=True),
    sa.Column('opening_statement', sa.Text(), nullable=True),
    sa.Column('suggested_questions', sa.Text(), nullable=True),
    sa.Column('features', sa.Text(), nullable=True),
    sa.Column('dataset_configs', sa.Text(), nullable=True),
    sa.Column('file_upload', sa.Text(), nullable=True),
    sa.Column('memory_window', sa.String(length=16), nullable=True),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_app_model_configs_app_id_apps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_model_configs'))
    )
    op.create_index(op.f('ix_app_model_configs_app_id_created_at'), 'app_model_configs', ['app_id', 'created_at'], unique=False)
    op.create_table('message_feedbacks',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('conversation_id', sa.UUID(), nullable=False),
    sa.Column('message_id', sa.UUID(), nullable=False),
    sa.Column('rating', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('from_source', sa.String(length=255), nullable=False),
    sa.Column('from_end_user_id', sa.UUID(), nullable=True),
    sa.Column('from_account_id', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_message_feedbacks_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_feedbacks_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_feedbacks'))
    )
    op.create_index(op.f('ix_message_feedbacks_app_id_created_at'), 'message_feedbacks', ['app_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_message_feedbacks_message_id_from_source'), 'message_feedbacks', ['message_id', 'from_source'], unique=True)


def downgrade() -> None:
    op.drop_index(op.f('ix_message_feedbacks_message_id_from_source'), table_name='message_feedbacks')
    op.drop_index(op.f('ix_message_feedbacks_app_id_created_at'), table_name='message_feedbacks')
    op.drop_table('message_feedbacks')
    op.drop_index(op.f('ix_app_model_configs_app_id_created_at'), table_name='app_model_configs')
    op.drop_table('app_model_configs')
    op.drop_table('tenant_default_models')
    op.drop_table('provider_credentials')
    op.drop_index(op.f('ix_upload_files_tenant_id_created_at'), table_name='upload_files')
    op.drop_table('upload_files')
