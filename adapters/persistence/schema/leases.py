"""Process leases (beyond Dify): each process generating messages or running workflows in memory keeps one
alive; messages and workflow_runs name it in `lease_owner` (domain/maintenance/leases.py)."""

from sqlalchemy import Column, DateTime, Integer, String, Table
from sqlalchemy.dialects.postgresql import UUID

from adapters.persistence.schema.base import at_column, metadata

process_leases = Table(
    "process_leases",
    metadata,
    Column("owner", UUID(as_uuid=True), primary_key=True),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("namespace", String(255)),  # the pid namespace the pid means something in
    at_column("started_at"),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
