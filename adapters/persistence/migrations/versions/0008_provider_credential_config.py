"""provider_credentials.config: a provider's other credential form values (region, API version, secrets)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('provider_credentials', sa.Column('config', sa.Text(), server_default='{}', nullable=False))


def downgrade() -> None:
    op.drop_column('provider_credentials', 'config')
