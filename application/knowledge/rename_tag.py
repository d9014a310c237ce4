from uuid import UUID

from application.knowledge.manage_tags import load_tag, parse_tag_id
from domain.knowledge.tags import Tag, check_tag_name
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam


class RenameTag:
    """Renames a tag. Rules: as at creation; an unknown tag is 404."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, tag_id: object, name: object) -> Tag:
        new_name = check_tag_name(name)
        async with self._uow() as uow:
            tag = await load_tag(uow, tenant_id, parse_tag_id(tag_id))
            if new_name != tag.name and await uow.tags.name_taken(tenant_id, new_name):
                raise InvalidParam("Tag name already exists", param="name")
            tag.name = new_name
            await uow.tags.rename(tag)
            await uow.commit()
            return next(t for t in await uow.tags.list(tenant_id, None) if t.id == tag.id)
