"""A dataset with the figures its JSON shows (document and word counts)."""

from dataclasses import dataclass, field

from domain.knowledge.dataset import Dataset
from domain.knowledge.tags import Tag


@dataclass(frozen=True, slots=True)
class DatasetView:
    dataset: Dataset
    document_count: int = 0
    available_document_count: int = 0
    word_count: int = 0
    tags: list[Tag] = field(default_factory=list)
