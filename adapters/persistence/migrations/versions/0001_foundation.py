"""foundation: extensions, workspaces, accounts, apps, API keys, end users

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 14:20:54.132601
"""

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


# pgvector serves the default vector store, pg_trgm keyword search. A server without them (an external
# PostgreSQL without pgvector) still migrates; /health then reports the vector store as unavailable.
EXTENSIONS = ("vector", "pg_trgm")


def _create_extensions() -> None:
    bind = op.get_bind()
    available = {row[0] for row in bind.execute(sa.text("SELECT name FROM pg_available_extensions"))}
    for name in EXTENSIONS:
        if name in available:
            op.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')


def upgrade() -> None:
    _create_extensions()
    op.create_table('accounts',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('password', sa.String(length=255), nullable=True),
    sa.Column('password_salt', sa.String(length=255), nullable=True),
    sa.Column('avatar', sa.String(length=255), nullable=True),
    sa.Column('interface_language', sa.String(length=255), nullable=True),
    sa.Column('interface_theme', sa.String(length=255), nullable=True),
    sa.Column('timezone', sa.String(length=255), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_ip', sa.String(length=255), nullable=True),
    sa.Column('last_active_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
    sa.Column('initialized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('email', name=op.f('uq_accounts_email'))
    )
    op.create_table('dify_setups',
    sa.Column('version', sa.String(length=255), nullable=False),
    sa.Column('setup_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_dify_setups'))
    )
    op.create_table('tenants',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('encrypt_public_key', sa.Text(), nullable=True),
    sa.Column('plan', sa.String(length=255), server_default='basic', nullable=False),
    sa.Column('status', sa.String(length=255), server_default='normal', nullable=False),
    sa.Column('custom_config', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants'))
    )
    op.create_table('apps',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('mode', sa.String(length=255), nullable=False),
    sa.Column('icon_type', sa.String(length=255), nullable=True),
    sa.Column('icon', sa.String(length=255), nullable=True),
    sa.Column('icon_background', sa.String(length=255), nullable=True),
    sa.Column('app_model_config_id', sa.UUID(), nullable=True),
    sa.Column('workflow_id', sa.UUID(), nullable=True),
    sa.Column('status', sa.String(length=255), server_default='normal', nullable=False),
    sa.Column('enable_site', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('enable_api', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('api_rpm', sa.Integer(), server_default='0', nullable=False),
    sa.Column('api_rph', sa.Integer(), server_default='0', nullable=False),
    sa.Column('is_demo', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('is_public', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('is_universal', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('tracing', sa.Text(), nullable=True),
    sa.Column('max_active_requests', sa.Integer(), nullable=True),
    sa.Column('use_icon_as_answer_icon', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by', sa.UUID(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_apps_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apps'))
    )
    op.create_index(op.f('ix_apps_tenant_id_created_at'), 'apps', ['tenant_id', 'created_at'], unique=False)
    op.create_table('tenant_account_joins',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('current', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('role', sa.String(length=16), server_default='normal', nullable=False),
    sa.Column('invited_by', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tenant_account_joins_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tenant_account_joins_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant_account_joins')),
    sa.UniqueConstraint('tenant_id', 'account_id', name=op.f('uq_tenant_account_joins_tenant_id_account_id'))
    )
    op.create_index(op.f('ix_tenant_account_joins_account_id'), 'tenant_account_joins', ['account_id'], unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=True),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('token', sa.String(length=255), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_api_tokens_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_api_tokens_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens'))
    )
    op.create_index(op.f('ix_api_tokens_app_id_type'), 'api_tokens', ['app_id', 'type'], unique=False)
    op.create_index(op.f('ix_api_tokens_tenant_id_type'), 'api_tokens', ['tenant_id', 'type'], unique=False)
    op.create_index(op.f('ix_api_tokens_token_type'), 'api_tokens', ['token', 'type'], unique=True)
    op.create_table('end_users',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('tenant_id', sa.UUID(), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=True),
    sa.Column('type', sa.String(length=255), nullable=False),
    sa.Column('external_user_id', sa.String(length=255), nullable=True),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('is_anonymous', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    sa.Column('session_id', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_end_users_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_end_users_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_end_users')),
    sa.UniqueConstraint('app_id', 'session_id', 'type', name=op.f('uq_end_users_app_id_session_id_type'))
    )


def downgrade() -> None:
    op.drop_table('end_users')
    op.drop_index(op.f('ix_api_tokens_token_type'), table_name='api_tokens')
    op.drop_index(op.f('ix_api_tokens_tenant_id_type'), table_name='api_tokens')
    op.drop_index(op.f('ix_api_tokens_app_id_type'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index(op.f('ix_tenant_account_joins_account_id'), table_name='tenant_account_joins')
    op.drop_table('tenant_account_joins')
    op.drop_index(op.f('ix_apps_tenant_id_created_at'), table_name='apps')
    op.drop_table('apps')
    op.drop_table('tenants')
    op.drop_table('dify_setups')
    op.drop_table('accounts')
