"""agent-chat: message_agent_thoughts, and the agent_mode of an app's model config

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 01:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_agent_thoughts",
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("message_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("thought", sa.Text(), nullable=True),
        sa.Column("tool", sa.Text(), nullable=True),
        sa.Column("tool_labels_str", sa.Text(), server_default="{}", nullable=False),
        sa.Column("tool_input", sa.Text(), nullable=True),
        sa.Column("observation", sa.Text(), nullable=True),
        sa.Column("message_files", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("tokens", sa.Integer(), nullable=True),
        sa.Column("latency", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_agent_thoughts_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_agent_thoughts")),
    )
    op.create_index(
        op.f("ix_message_agent_thoughts_message_id_position"), "message_agent_thoughts", ["message_id", "position"]
    )
    op.add_column("app_model_configs", sa.Column("agent_mode", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("app_model_configs", "agent_mode")
    op.drop_index(op.f("ix_message_agent_thoughts_message_id_position"), table_name="message_agent_thoughts")
    op.drop_table("message_agent_thoughts")
