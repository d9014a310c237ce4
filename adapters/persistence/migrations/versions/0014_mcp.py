"""mcp: a workspace's MCP servers (tool_mcp_providers) and apps served over MCP (app_mcp_servers)

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0012'  # after the tools helper's 0012, merged into this branch
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'tool_mcp_providers',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('server_identifier', sa.String(length=64), nullable=False),
        sa.Column('server_url', sa.Text(), nullable=False),
        sa.Column('server_url_hash', sa.String(length=64), nullable=False),
        sa.Column('headers', sa.Text(), server_default='', nullable=False),
        sa.Column('icon', sa.Text(), server_default='', nullable=False),
        sa.Column('timeout', sa.Float(), server_default='30', nullable=False),
        sa.Column('sse_read_timeout', sa.Float(), server_default='300', nullable=False),
        sa.Column('tools', sa.Text(), server_default='[]', nullable=False),
        sa.Column('user_id', sa.UUID(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_tool_mcp_providers_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_mcp_providers')),
        sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_tool_mcp_providers_tenant_id_name')),
        sa.UniqueConstraint('tenant_id', 'server_url_hash', name=op.f('uq_tool_mcp_providers_tenant_id_server_url_hash')),
        sa.UniqueConstraint('tenant_id', 'server_identifier',
                            name=op.f('uq_tool_mcp_providers_tenant_id_server_identifier')),
    )
    op.create_table(
        'app_mcp_servers',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.Text(), server_default='', nullable=False),
        sa.Column('server_code', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), server_default='active', nullable=False),
        sa.Column('parameters', sa.Text(), server_default='{}', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_app_mcp_servers_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_app_mcp_servers_app_id_apps'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_app_mcp_servers')),
        sa.UniqueConstraint('app_id', name=op.f('uq_app_mcp_servers_app_id')),
        sa.UniqueConstraint('server_code', name=op.f('uq_app_mcp_servers_server_code')),
    )


def downgrade() -> None:
    op.drop_table('app_mcp_servers')
    op.drop_table('tool_mcp_providers')
