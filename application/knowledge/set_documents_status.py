from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import Actor, load_dataset
from domain.knowledge.errors import DocumentIndexing, DocumentNotFound, InvalidAction
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock

ACTIONS = ("enable", "disable", "archive", "un_archive")


@dataclass(frozen=True, slots=True)
class SetDocumentsStatusRequest:
    actor: Actor
    dataset_id: UUID
    action: str
    document_ids: Sequence[UUID]


class SetDocumentsStatus:
    """Enables, disables, archives or un-archives documents, all or none.

    Rules: the action is one of four (400 invalid_action); every id must be a document of the dataset
    (404); enabling or disabling an archived document is refused (403), as is disabling one still
    being indexed (400 document_indexing). Retrieval only returns available documents, so no vector
    needs rewriting.
    """

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, request: SetDocumentsStatusRequest) -> None:
        if request.action not in ACTIONS:
            raise InvalidAction(request.action)
        now, by = self._clock.now(), request.actor.account_id
        async with self._uow() as uow:
            await load_dataset(uow, request.actor.tenant_id, request.dataset_id)
            documents = await uow.documents.many(request.dataset_id, list(dict.fromkeys(request.document_ids)))
            if len(documents) != len(set(request.document_ids)):
                raise DocumentNotFound()
            for document in documents:
                if request.action == "enable":
                    document.enable(now)
                elif request.action == "disable":
                    if document.display_status in ("queuing", "indexing"):
                        raise DocumentIndexing()
                    document.disable(by, now)
                elif request.action == "archive":
                    document.archive(by, now)
                else:
                    document.un_archive(now)
                await uow.documents.update(document)
            await uow.commit()
