"""dataset queries: the history of retrieval testing

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-02 05:00:00.000000

One new table, nothing rewritten: `dataset_queries`, each query a dataset was tested with (the console's
retrieval-testing history), newest first per dataset through its (dataset_id, created_at) index.
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dataset_queries',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('dataset_id', sa.UUID(), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=255), nullable=False),
        sa.Column('source_app_id', sa.UUID(), nullable=True),
        sa.Column('created_by_role', sa.String(length=255), nullable=False),
        sa.Column('created_by', sa.UUID(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE',
                                name=op.f('fk_dataset_queries_dataset_id_datasets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_queries')),
    )
    op.create_index(op.f('ix_dataset_queries_dataset_id_created_at'), 'dataset_queries', ['dataset_id', 'created_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_dataset_queries_dataset_id_created_at'), table_name='dataset_queries')
    op.drop_table('dataset_queries')
