from uuid import UUID

from domain.knowledge.tags import TAG_TYPE, Tag, check_tag_kind
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class ListTags:
    """The workspace's tags of one kind (knowledge by default), newest first, with how many datasets each labels."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, keyword: str | None = None, kind: str = TAG_TYPE) -> list[Tag]:
        async with self._uow() as uow:
            return await uow.tags.list(tenant_id, keyword or None, check_tag_kind(kind))
