"""The queries a dataset was searched with (Dify's dataset_queries): the console's retrieval-testing page lists
them as its history."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

HIT_TESTING = "hit_testing"  # Dify's source for a query typed in retrieval testing or sent to the Knowledge API


@dataclass(frozen=True, slots=True)
class DatasetQuery:
    id: UUID
    dataset_id: UUID
    content: str
    source: str
    created_by_role: str  # "account" (the console's user, or the owner a dataset key acts as)
    created_by: UUID | None
    created_at: datetime
    source_app_id: UUID | None = None
