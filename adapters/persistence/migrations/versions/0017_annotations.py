"""annotations: an app's curated answers, its annotation-reply setting, the hits, and the jobs that index them

Revision ID: 0017
Revises: 0018
Create Date: 2026-12-02 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0017'
down_revision = '0018'
branch_labels = None
depends_on = None


def _app_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=f'fk_{table}_app_id_apps', ondelete='CASCADE')


def upgrade() -> None:
    op.create_table('message_annotations',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('conversation_id', sa.UUID(), nullable=True),
    sa.Column('message_id', sa.UUID(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('hit_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    _app_fk('message_annotations'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_annotations'))
    )
    op.create_index(op.f('ix_message_annotations_app_id_created_at'), 'message_annotations', ['app_id', 'created_at'])
    op.create_table('app_annotation_settings',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('score_threshold', sa.Float(), server_default='0', nullable=False),
    sa.Column('embedding_provider_name', sa.String(length=255), nullable=False),
    sa.Column('embedding_model_name', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    _app_fk('app_annotation_settings'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_annotation_settings')),
    sa.UniqueConstraint('app_id', name=op.f('uq_app_annotation_settings_app_id'))
    )
    op.create_table('app_annotation_hit_histories',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('annotation_id', sa.UUID(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('score', sa.Float(), server_default='0', nullable=False),
    sa.Column('message_id', sa.UUID(), nullable=False),
    sa.Column('annotation_question', sa.Text(), nullable=False),
    sa.Column('annotation_content', sa.Text(), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=True),
    sa.Column('end_user_id', sa.UUID(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    _app_fk('app_annotation_hit_histories'),
    sa.ForeignKeyConstraint(['annotation_id'], ['message_annotations.id'],
                            name='fk_annotation_hits_annotation_id',
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_annotation_hit_histories'))
    )
    op.create_index(op.f('ix_app_annotation_hit_histories_annotation_id_created_at'), 'app_annotation_hit_histories',
                    ['annotation_id', 'created_at'])
    op.create_table('annotation_jobs',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('app_id', sa.UUID(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), server_default='', nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    _app_fk('annotation_jobs'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annotation_jobs'))
    )
    op.create_index(op.f('ix_annotation_jobs_app_id_status'), 'annotation_jobs', ['app_id', 'status'])


def downgrade() -> None:
    op.drop_index(op.f('ix_annotation_jobs_app_id_status'), table_name='annotation_jobs')
    op.drop_table('annotation_jobs')
    op.drop_index(op.f('ix_app_annotation_hit_histories_annotation_id_created_at'),
                  table_name='app_annotation_hit_histories')
    op.drop_table('app_annotation_hit_histories')
    op.drop_table('app_annotation_settings')
    op.drop_index(op.f('ix_message_annotations_app_id_created_at'), table_name='message_annotations')
    op.drop_table('message_annotations')
