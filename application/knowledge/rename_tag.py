from uuid import UUID

from application.knowledge.manage_tags import load_tag, parse_tag_id
from domain.knowledge.tags import TAG_KINDS, Tag, check_tag_name
from domain.knowledge.unit_of_work import KnowledgeUnitOfWork, KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam


class RenameTag:
    """Renames a tag. Rules: as at creation; an unknown tag is 404."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, tag_id: object, name: object, kind: str | None = None) -> Tag:
        new_name = check_tag_name(name)
        async with self._uow() as uow:
            tag = await self._load(uow, tenant_id, parse_tag_id(tag_id), kind)
            if new_name != tag.name and await uow.tags.name_taken(tenant_id, new_name, tag.type):
                raise InvalidParam("Tag name already exists", param="name")
            tag.name = new_name
            await uow.tags.rename(tag)
            await uow.commit()
            return next(t for t in await uow.tags.list(tenant_id, None, tag.type) if t.id == tag.id)

    @staticmethod
    async def _load(uow: KnowledgeUnitOfWork, tenant_id: UUID, tag_id: UUID, kind: str | None) -> Tag:
        if kind is not None:
            return await load_tag(uow, tenant_id, tag_id, kind)
        # The console renames by id alone: the tag may be of either kind.
        for candidate in TAG_KINDS:
            if (found := await uow.tags.get(tenant_id, tag_id, candidate)) is not None:
                return found
        return await load_tag(uow, tenant_id, tag_id)
