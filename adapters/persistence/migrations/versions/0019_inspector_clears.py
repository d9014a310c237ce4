"""workflow editor: when its variable inspector was cleared

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-02 05:00:00.000000

One new table, nothing rewritten: `workflow_inspector_clears`, one row per app and cleared scope (all nodes,
one node, one variable of a node) with the time it was cleared; the inspector shows only values stored after.
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workflow_inspector_clears',
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('node_id', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('cleared_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE',
                                name=op.f('fk_workflow_inspector_clears_app_id_apps')),
        sa.PrimaryKeyConstraint('app_id', 'node_id', 'name', name=op.f('pk_workflow_inspector_clears')),
    )


def downgrade() -> None:
    op.drop_table('workflow_inspector_clears')
