from collections.abc import Sequence
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.knowledge.manage_tags import load_tag, parse_tag_id
from domain.knowledge.tags import APP_TAG_TYPE, Tag
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory


class TagApps:
    """Labels a studio app with app tags (`bind`) or removes labels, and reads an app's labels.

    Rules: the app and every tag belong to the caller's workspace (404 otherwise) and the tags are app tags;
    binding names at least one tag; binding twice changes nothing.
    """

    def __init__(self, uow: UnitOfWorkFactory, tags_uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow
        self._tags_uow = tags_uow

    async def execute(
        self, tenant_id: UUID, account_id: UUID, tag_ids: Sequence[object], app_id: UUID, *, bind: bool = True
    ) -> None:
        if not isinstance(tag_ids, list | tuple) or (bind and not tag_ids):
            raise InvalidParam("tag_ids is required.", param="tag_ids")
        ids = [parse_tag_id(t) for t in tag_ids]
        async with self._uow() as uow:
            await app_in_tenant(uow, tenant_id, app_id)
        async with self._tags_uow() as uow:
            for tag_id in ids:
                await load_tag(uow, tenant_id, tag_id, APP_TAG_TYPE)
            if bind:
                await uow.tags.bind(tenant_id, ids, app_id, account_id)
            else:
                await uow.tags.unbind(ids, app_id)
            await uow.commit()

    async def of_apps(self, app_ids: Sequence[UUID]) -> dict[UUID, list[Tag]]:
        async with self._tags_uow() as uow:
            return await uow.tags.of_targets(app_ids, APP_TAG_TYPE)

    async def apps_with_all(self, tenant_id: UUID, tag_ids: Sequence[object]) -> set[UUID]:
        ids = [parse_tag_id(t) for t in tag_ids]
        async with self._tags_uow() as uow:
            return await uow.tags.targets_with_all(tenant_id, ids)
