"""tool providers: builtin credentials, custom (OpenAPI) providers, workflows as tools

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-02 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def _common() -> list:
    return [
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
    ]


def _times() -> list:
    return [
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    ]


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f(f'fk_{table}_tenant_id_tenants'),
                                   ondelete='CASCADE')


def upgrade() -> None:
    op.create_table(
        'tool_builtin_providers', *_common(),
        sa.Column('provider', sa.String(length=255), nullable=False),
        sa.Column('encrypted_credentials', sa.Text(), nullable=False), *_times(),
        _tenant_fk('tool_builtin_providers'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_builtin_providers')),
        sa.UniqueConstraint('tenant_id', 'provider', name=op.f('uq_tool_builtin_providers_tenant_id_provider')),
    )
    op.create_table(
        'tool_api_providers', *_common(),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('schema', sa.Text(), nullable=False),
        sa.Column('schema_type', sa.String(length=40), nullable=False),
        sa.Column('encrypted_credentials', sa.Text(), nullable=False),
        sa.Column('icon', sa.Text(), server_default='{}', nullable=False),
        sa.Column('description', sa.Text(), server_default='', nullable=False),
        sa.Column('privacy_policy', sa.Text(), server_default='', nullable=False),
        sa.Column('custom_disclaimer', sa.Text(), server_default='', nullable=False),
        sa.Column('labels', sa.Text(), server_default='[]', nullable=False),
        sa.Column('created_by', sa.UUID(), nullable=True), *_times(),
        _tenant_fk('tool_api_providers'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_api_providers')),
        sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_tool_api_providers_tenant_id_name')),
    )
    op.create_table(
        'tool_workflow_providers', *_common(),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('label', sa.String(length=255), nullable=False),
        sa.Column('icon', sa.Text(), server_default='{}', nullable=False),
        sa.Column('description', sa.Text(), server_default='', nullable=False),
        sa.Column('parameters', sa.Text(), server_default='[]', nullable=False),
        sa.Column('privacy_policy', sa.Text(), server_default='', nullable=False),
        sa.Column('labels', sa.Text(), server_default='[]', nullable=False),
        sa.Column('version', sa.String(length=255), server_default='', nullable=False),
        sa.Column('created_by', sa.UUID(), nullable=True), *_times(),
        _tenant_fk('tool_workflow_providers'),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_tool_workflow_providers_app_id_apps'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_workflow_providers')),
        sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_tool_workflow_providers_tenant_id_name')),
        sa.UniqueConstraint('tenant_id', 'app_id', name=op.f('uq_tool_workflow_providers_tenant_id_app_id')),
    )


def downgrade() -> None:
    op.drop_table('tool_workflow_providers')
    op.drop_table('tool_api_providers')
    op.drop_table('tool_builtin_providers')
