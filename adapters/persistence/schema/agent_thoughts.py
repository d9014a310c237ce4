"""An agent-chat message's thoughts (Dify's message_agent_thoughts), gone with their message."""

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, Table, Text
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, id_column, metadata

message_agent_thoughts = Table(
    "message_agent_thoughts",
    metadata,
    id_column(),
    Column("message_id", UUID(as_uuid=True), ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("thought", Text),
    Column("tool", Text),
    Column("tool_labels_str", Text, nullable=False, server_default="{}"),
    Column("tool_input", Text),
    Column("observation", Text),
    Column("message_files", Text),
    Column("answer", Text),
    Column("tokens", Integer),
    Column("latency", Float),
    at_column("created_at"),
    Index(None, "message_id", "position"),
)
