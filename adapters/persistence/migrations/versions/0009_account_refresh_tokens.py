"""account_refresh_tokens: the console refresh tokens still usable (each works once)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_refresh_tokens',
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.UUID(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_refresh_tokens_account_id_accounts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_digest', name=op.f('pk_account_refresh_tokens'))
    )
    op.create_index(op.f('ix_account_refresh_tokens_account_id'), 'account_refresh_tokens', ['account_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_account_refresh_tokens_account_id'), table_name='account_refresh_tokens')
    op.drop_table('account_refresh_tokens')
