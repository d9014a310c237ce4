from application.knowledge.guards import Actor
from domain.knowledge.tags import TAG_TYPE, Tag, check_tag_kind, check_tag_name
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


class CreateTag:
    """Creates a tag (of datasets or of apps). Rules: the name is 1-50 characters and unique among the
    workspace's tags of that kind; the kind is "knowledge" or "app"."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._uow, self._clock, self._ids = uow, clock, ids

    async def execute(self, actor: Actor, name: object, kind: str = TAG_TYPE) -> Tag:
        tag = Tag(id=self._ids.new_id(), tenant_id=actor.tenant_id, name=check_tag_name(name),
                  created_at=self._clock.now(), created_by=actor.account_id, type=check_tag_kind(kind))
        async with self._uow() as uow:
            if await uow.tags.name_taken(actor.tenant_id, tag.name, tag.type):
                raise InvalidParam("Tag name already exists", param="name")
            await uow.tags.add(tag)
            await uow.commit()
        return tag
