from uuid import UUID

from application.knowledge.manage_tags import load_tag, parse_tag_id
from domain.knowledge.tags import TAG_TYPE
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class DeleteTag:
    """Deletes a tag and unbinds it from everything it labels. Rules: an unknown tag is 404."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, tag_id: object, kind: str = TAG_TYPE) -> None:
        async with self._uow() as uow:
            tag = await load_tag(uow, tenant_id, parse_tag_id(tag_id), kind)
            await uow.tags.delete(tag.id)
            await uow.commit()
