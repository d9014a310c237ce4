"""Tags that label knowledge bases and studio apps (Dify's `tags`, of type `knowledge` or `app`)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.shared.errors import InvalidParam

TAG_TYPE = "knowledge"
APP_TAG_TYPE = "app"
TAG_KINDS = (TAG_TYPE, APP_TAG_TYPE)
MAX_TAG_NAME = 50


def check_tag_kind(kind: object) -> str:
    if kind not in TAG_KINDS:
        raise InvalidParam("Invalid tag type.", param="type")
    return str(kind)


def check_tag_name(name: object) -> str:
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= MAX_TAG_NAME:
        raise InvalidParam(f"Tag name must be between 1 and {MAX_TAG_NAME} characters.", param="name")
    return name.strip()


@dataclass(slots=True)
class Tag:
    id: UUID
    tenant_id: UUID
    name: str
    created_at: datetime
    created_by: UUID | None = None
    type: str = TAG_TYPE
    binding_count: int = 0
