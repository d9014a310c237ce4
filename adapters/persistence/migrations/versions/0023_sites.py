"""sites: every app's web app, with what its users save and pin; the Explore page's installed apps

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 15:00:00.000000

New tables: `sites` (one per app: its code, title and page settings), `saved_messages` and `pinned_conversations`
(a web app user's), `installed_apps` (an app on its workspace's Explore page). Every existing app gets its site,
titled and drawn as the app, with a new random code, and is installed in its workspace.
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sites',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('code', sa.String(length=255), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('icon_type', sa.String(length=255), nullable=True),
        sa.Column('icon', sa.String(length=255), nullable=True),
        sa.Column('icon_background', sa.String(length=255), nullable=True),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('default_language', sa.String(length=255), nullable=False),
        sa.Column('chat_color_theme', sa.String(length=255), nullable=True),
        sa.Column('chat_color_theme_inverted', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('customize_domain', sa.String(length=255), nullable=True),
        sa.Column('copyright', sa.String(length=255), nullable=True),
        sa.Column('privacy_policy', sa.String(length=255), nullable=True),
        sa.Column('custom_disclaimer', sa.Text(), server_default='', nullable=False),
        sa.Column('customize_token_strategy', sa.String(length=255), server_default='not_allow', nullable=False),
        sa.Column('prompt_public', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('show_workflow_steps', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        sa.Column('use_icon_as_answer_icon', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('input_placeholder', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=255), server_default='normal', nullable=False),
        sa.Column('created_by', sa.UUID(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_by', sa.UUID(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE', name=op.f('fk_sites_app_id_apps')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
        sa.UniqueConstraint('app_id', name=op.f('uq_sites_app_id')),
        sa.UniqueConstraint('code', name=op.f('uq_sites_code')),
    )
    for table, column, referred in (
        ('saved_messages', 'message_id', 'messages'), ('pinned_conversations', 'conversation_id', 'conversations'),
    ):
        op.create_table(
            table,
            sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
            sa.Column('app_id', sa.UUID(), nullable=False),
            sa.Column(column, sa.UUID(), nullable=False),
            sa.Column('created_by_role', sa.String(length=255), server_default='end_user', nullable=False),
            sa.Column('created_by', sa.UUID(), nullable=False),
            sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
            sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE', name=op.f(f'fk_{table}_app_id_apps')),
            sa.ForeignKeyConstraint([column], [f'{referred}.id'], ondelete='CASCADE',
                                    name=op.f(f'fk_{table}_{column}_{referred}')),
            sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
            sa.UniqueConstraint('app_id', 'created_by', column, name=op.f(f'uq_{table}_app_id_created_by_{column}')),
        )
    op.create_table(
        'installed_apps',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('tenant_id', sa.UUID(), nullable=False),
        sa.Column('app_id', sa.UUID(), nullable=False),
        sa.Column('app_owner_tenant_id', sa.UUID(), nullable=False),
        sa.Column('position', sa.Integer(), server_default='0', nullable=False),
        sa.Column('is_pinned', sa.Boolean(), server_default=sa.text('false'), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], ondelete='CASCADE',
                                name=op.f('fk_installed_apps_tenant_id_tenants')),
        sa.ForeignKeyConstraint(['app_id'], ['apps.id'], ondelete='CASCADE', name=op.f('fk_installed_apps_app_id_apps')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_installed_apps')),
        sa.UniqueConstraint('tenant_id', 'app_id', name=op.f('uq_installed_apps_tenant_id_app_id')),
    )
    op.execute(
        "INSERT INTO installed_apps (tenant_id, app_id, app_owner_tenant_id, created_at)"
        " SELECT tenant_id, id, tenant_id, created_at FROM apps"
    )
    # 16 hex characters of a random md5: a subset of the letters and digits new codes are drawn from.
    op.execute(
        "INSERT INTO sites (app_id, tenant_id, code, title, icon_type, icon, icon_background, description,"
        " default_language, use_icon_as_answer_icon, created_by, created_at, updated_by, updated_at)"
        " SELECT id, tenant_id, substr(md5(random()::text || id::text), 1, 16), name, icon_type, icon,"
        " icon_background, description, 'en-US', use_icon_as_answer_icon, created_by, created_at, created_by,"
        " created_at FROM apps"
    )


def downgrade() -> None:
    op.drop_table('installed_apps')
    op.drop_table('pinned_conversations')
    op.drop_table('saved_messages')
    op.drop_table('sites')
