from collections.abc import Sequence
from uuid import UUID

from application.knowledge.guards import Actor, load_dataset
from application.knowledge.manage_tags import load_tag, parse_tag_id
from domain.knowledge.errors import DatasetNotFound
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam


class BindTags:
    """Labels a dataset with tags (`bind`) or removes labels (`unbind`).
    Rules: the dataset and every tag belong to the workspace (404); at least one tag is named."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, actor: Actor, tag_ids: Sequence[object], target_id: object, *, bind: bool = True) -> None:
        if not isinstance(tag_ids, list | tuple) or not tag_ids:
            raise InvalidParam("tag_ids is required.", param="tag_ids")
        ids = [parse_tag_id(t) for t in tag_ids]
        try:
            target = UUID(str(target_id))
        except ValueError:
            raise DatasetNotFound() from None
        async with self._uow() as uow:
            dataset = await load_dataset(uow, actor.tenant_id, target)
            for tag_id in ids:
                await load_tag(uow, actor.tenant_id, tag_id)
            if bind:
                await uow.tags.bind(actor.tenant_id, ids, dataset.id, actor.account_id)
            else:
                await uow.tags.unbind(ids, dataset.id)
            await uow.commit()
