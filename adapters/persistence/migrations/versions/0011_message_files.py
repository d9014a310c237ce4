"""message_files: the files sent with a chat message (Dify's table, with the file's name, type and size)

Revision ID: 0011
Revises: 0014
Create Date: 2026-12-09 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'message_files',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('message_id', sa.UUID(), nullable=False),
        sa.Column('type', sa.String(length=255), nullable=False),
        sa.Column('transfer_method', sa.String(length=255), nullable=False),
        sa.Column('url', sa.Text(), nullable=True),
        sa.Column('belongs_to', sa.String(length=255), nullable=True),
        sa.Column('upload_file_id', sa.UUID(), nullable=True),
        sa.Column('created_by_role', sa.String(length=255), nullable=False),
        sa.Column('created_by', sa.UUID(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('filename', sa.String(length=255), server_default='', nullable=False),
        sa.Column('mime_type', sa.String(length=255), server_default='', nullable=False),
        sa.Column('size', sa.Integer(), server_default='-1', nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_files_message_id_messages'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_files')),
    )
    op.create_index('ix_message_files_message_id', 'message_files', ['message_id'])


def downgrade() -> None:
    op.drop_index('ix_message_files_message_id', table_name='message_files')
    op.drop_table('message_files')
