"""What telemetry has recorded, so a redelivered trace job records nothing twice."""

from sqlalchemy import Column, String, Table

from adapters.persistence.schema.base import at_column, metadata

trace_records = Table(
    "trace_records",
    metadata,
    Column("trace_key", String(255), primary_key=True),
    at_column("recorded_at"),
)
