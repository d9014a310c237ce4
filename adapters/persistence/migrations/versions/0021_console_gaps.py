"""console gaps: the variable inspector's edited values, chunk CSV import jobs

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-02 08:00:00.000000

New tables only, nothing rewritten: `workflow_inspector_edits`, one row per app and variable (node id, name)
with the value the editor typed and when; the inspector and single-step runs use it until the node runs again;
`segment_import_jobs`, a CSV import of chunks into a document (status, counts, the rows still to add).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0021'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workflow_inspector_edits',
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('node_id', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('value', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('edited_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE',
                                name=op.f('fk_workflow_inspector_edits_app_id_apps')),
        sa.PrimaryKeyConstraint('app_id', 'node_id', 'name', name=op.f('pk_workflow_inspector_edits')),
    )
    op.create_table(
        'segment_import_jobs',
        sa.Column('id', sa.UUID(), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('dataset_id', sa.UUID(), nullable=False),
        sa.Column('document_id', sa.UUID(), nullable=False),
        sa.Column('account_id', sa.UUID(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('total', sa.Integer(), server_default='0', nullable=False),
        sa.Column('imported', sa.Integer(), server_default='0', nullable=False),
        sa.Column('error', sa.Text(), server_default='', nullable=False),
        sa.Column('rows', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'[]'::jsonb"),
                  nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE',
                                name=op.f('fk_segment_import_jobs_dataset_id_datasets')),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE',
                                name=op.f('fk_segment_import_jobs_document_id_documents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_segment_import_jobs')),
    )


def downgrade() -> None:
    op.drop_table('segment_import_jobs')
    op.drop_table('workflow_inspector_edits')
