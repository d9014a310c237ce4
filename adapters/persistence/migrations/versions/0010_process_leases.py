"""process leases: messages and workflow runs name the process working on them (crash truthfulness)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00.000000

The new columns are nullable without a default (no table rewrite); the index over generating messages is
built CONCURRENTLY, as 0006's.
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'process_leases',
        sa.Column('owner', sa.UUID(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('namespace', sa.String(length=255), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('owner', name=op.f('pk_process_leases')),
    )
    op.add_column('messages', sa.Column('lease_owner', sa.UUID(), nullable=True))
    op.add_column('workflow_runs', sa.Column('lease_owner', sa.UUID(), nullable=True))
    with op.get_context().autocommit_block():
        op.execute("DROP INDEX CONCURRENTLY IF EXISTS ix_messages_generating_created_at")
        op.create_index('ix_messages_generating_created_at', 'messages', ['created_at'], postgresql_concurrently=True,
                        postgresql_where=sa.text("status = 'generating'"))


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index('ix_messages_generating_created_at', table_name='messages', postgresql_concurrently=True)
    op.drop_column('workflow_runs', 'lease_owner')
    op.drop_column('messages', 'lease_owner')
    op.drop_table('process_leases')
