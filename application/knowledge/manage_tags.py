"""Shared by the tag use cases: loading a tag of the workspace."""

from uuid import UUID

from domain.knowledge.tags import TAG_TYPE, Tag
from domain.knowledge.unit_of_work import KnowledgeUnitOfWork
from domain.shared.errors import InvalidParam, NotFound


def parse_tag_id(value: object) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidParam("tag_id is invalid.", param="tag_id") from None


async def load_tag(uow: KnowledgeUnitOfWork, tenant_id: UUID, tag_id: UUID, kind: str = TAG_TYPE) -> Tag:
    tag = await uow.tags.get(tenant_id, tag_id, kind)
    if tag is None:
        raise NotFound("Tag not found.")
    return tag
