"""A knowledge base (Dify's `datasets` row) and the rules of its settings."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.shared.errors import InvalidParam

MAX_NAME_LENGTH = 40
MAX_DESCRIPTION_LENGTH = 400


class IndexingTechnique(StrEnum):
    HIGH_QUALITY = "high_quality"
    ECONOMY = "economy"


class Permission(StrEnum):
    ONLY_ME = "only_me"
    ALL_TEAM_MEMBERS = "all_team_members"
    PARTIAL_MEMBERS = "partial_members"


def check_dataset_name(name: object) -> str:
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= MAX_NAME_LENGTH:
        raise InvalidParam(f"Name must be between 1 to {MAX_NAME_LENGTH} characters.", param="name")
    return name.strip()


def check_description(description: object) -> str:
    if description is None:
        return ""
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH:
        raise InvalidParam(f"Description cannot exceed {MAX_DESCRIPTION_LENGTH} characters.", param="description")
    return description


def parse_indexing_technique(value: object, *, required: bool = False) -> IndexingTechnique | None:
    if value is None or value == "":
        if required:
            raise InvalidParam("indexing_technique is required.", param="indexing_technique")
        return None
    if value not in tuple(IndexingTechnique):
        raise InvalidParam("Invalid indexing technique.", param="indexing_technique")
    return IndexingTechnique(value)


def parse_permission(value: object) -> Permission:
    if value is None:
        return Permission.ONLY_ME
    if value not in tuple(Permission):
        raise InvalidParam("Invalid permission.", param="permission")
    return Permission(value)


@dataclass(slots=True)
class Dataset:
    id: UUID
    tenant_id: UUID
    name: str
    created_by: UUID | None
    created_at: datetime
    updated_at: datetime
    description: str = ""
    provider: str = "vendor"
    permission: Permission = Permission.ONLY_ME
    indexing_technique: IndexingTechnique | None = None
    embedding_model: str | None = None
    embedding_model_provider: str | None = None
    retrieval_model: dict[str, Any] | None = None
    doc_form: str | None = None
    enable_api: bool = True
    updated_by: UUID | None = None
    author_name: str = field(default="", compare=False)

    @property
    def is_high_quality(self) -> bool:
        return self.indexing_technique is IndexingTechnique.HIGH_QUALITY

    def adopt_first_document(
        self, technique: IndexingTechnique | None, doc_form: str, model: str | None, provider: str | None
    ) -> None:
        """The first document fixes what the dataset left open: technique, chunk form and embedding model."""
        if self.indexing_technique is None:
            if technique is None:
                raise InvalidParam("indexing_technique is required.", param="indexing_technique")
            self.indexing_technique = technique
        if self.doc_form is None:
            self.doc_form = doc_form
        if self.is_high_quality and not self.embedding_model:
            self.embedding_model, self.embedding_model_provider = model, provider
