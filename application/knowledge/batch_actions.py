"""The console's actions on several documents or chunks at once (its list pages' checkboxes). Each checks that
every id is there before it acts, then hands each item to the single-item use case the Knowledge API uses, so
a batch follows exactly the rules of one."""

from collections.abc import Sequence
from uuid import UUID

from application.knowledge.delete_document import DeleteDocument
from application.knowledge.delete_segment import DeleteSegment
from application.knowledge.guards import Actor, load_dataset, load_document
from application.knowledge.update_segment import UpdateSegment, UpdateSegmentRequest
from domain.knowledge.errors import DocumentNotFound, InvalidAction, SegmentNotFound
from domain.knowledge.unit_of_work import KnowledgeUnitOfWork, KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam

SEGMENT_ACTIONS = ("enable", "disable")


def _ids(ids: Sequence[UUID], param: str) -> list[UUID]:
    if not ids:
        raise InvalidParam(f"{param} is required.", param=param)
    return list(dict.fromkeys(ids))


async def _check_segments(
    uow: KnowledgeUnitOfWork, actor: Actor, dataset_id: UUID, document_id: UUID, segment_ids: list[UUID]
) -> None:
    document = await load_document(uow, actor.tenant_id, dataset_id, document_id)
    found = await uow.segments.by_ids(segment_ids)
    if len(found) != len(segment_ids) or any(s.document_id != document.id for s in found):
        raise SegmentNotFound()


class SetSegmentsEnabled:
    """Enables or disables chunks of a document. Rules: the action is enable or disable (400 invalid_action);
    every id is a chunk of the document (404, nothing changed); each chunk then goes through UpdateSegment (a
    disabled chunk loses its vectors, an enabled one gets them back)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, update_segment: UpdateSegment) -> None:
        self._uow, self._update = uow, update_segment

    async def execute(
        self, actor: Actor, dataset_id: UUID, document_id: UUID, action: str, segment_ids: Sequence[UUID]
    ) -> None:
        if action not in SEGMENT_ACTIONS:
            raise InvalidAction(action)
        ids = _ids(segment_ids, "segment_id")
        async with self._uow() as uow:
            await _check_segments(uow, actor, dataset_id, document_id, ids)
        for segment_id in ids:
            await self._update.execute(
                UpdateSegmentRequest(actor, dataset_id, document_id, segment_id, {"enabled": action == "enable"})
            )


class DeleteSegments:
    """Deletes chunks of a document. Rules: every id is a chunk of the document (404, nothing deleted)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, delete_segment: DeleteSegment) -> None:
        self._uow, self._delete = uow, delete_segment

    async def execute(self, actor: Actor, dataset_id: UUID, document_id: UUID, segment_ids: Sequence[UUID]) -> None:
        ids = _ids(segment_ids, "segment_id")
        async with self._uow() as uow:
            await _check_segments(uow, actor, dataset_id, document_id, ids)
        for segment_id in ids:
            await self._delete.execute(actor.tenant_id, dataset_id, document_id, segment_id)


class DeleteDocuments:
    """Deletes documents of a dataset. Rules: every id is a document of the dataset (404, nothing deleted)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, delete_document: DeleteDocument) -> None:
        self._uow, self._delete = uow, delete_document

    async def execute(self, actor: Actor, dataset_id: UUID, document_ids: Sequence[UUID]) -> None:
        ids = _ids(document_ids, "document_id")
        async with self._uow() as uow:
            await load_dataset(uow, actor.tenant_id, dataset_id)
            if len(await uow.documents.many(dataset_id, ids)) != len(ids):
                raise DocumentNotFound()
        for document_id in ids:
            await self._delete.execute(actor.tenant_id, dataset_id, document_id)
