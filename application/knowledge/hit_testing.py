from dataclasses import dataclass
from uuid import UUID

from application.knowledge.guards import Actor, check_page, load_dataset
from application.knowledge.retrieve import Retrieve, RetrieveRequest
from domain.knowledge.queries import HIT_TESTING, DatasetQuery
from domain.knowledge.repositories import Page
from domain.knowledge.retrieval import RetrievedRecord
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class HitTestRequest:
    actor: Actor
    dataset_id: UUID
    query: object
    retrieval_model: object = None


class HitTest:
    """Retrieval testing (the console's page and the Knowledge API's retrieve): Retrieve's answer, and the query
    kept in the dataset's history once it was answered (a refused query is not kept), as Dify records it."""

    def __init__(self, retrieve: Retrieve, uow: KnowledgeUnitOfWorkFactory, clock: Clock, ids: IdGenerator) -> None:
        self._retrieve, self._uow, self._clock, self._ids = retrieve, uow, clock, ids

    async def execute(self, request: HitTestRequest) -> list[RetrievedRecord]:
        records = await self._retrieve.execute(
            RetrieveRequest(
                tenant_id=request.actor.tenant_id,
                dataset_id=request.dataset_id,
                query=request.query,
                retrieval_model=request.retrieval_model,
            )
        )
        async with self._uow() as uow:
            await uow.queries.add(
                DatasetQuery(
                    id=self._ids.new_id(),
                    dataset_id=request.dataset_id,
                    content=str(request.query),
                    source=HIT_TESTING,
                    created_by_role="account",
                    created_by=request.actor.account_id,
                    created_at=self._clock.now(),
                )
            )
            await uow.commit()
        return records


class ListDatasetQueries:
    """A page of the dataset's query history, newest first. Rules: the dataset is the workspace's (404)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID, page: int, limit: int) -> Page[DatasetQuery]:
        check_page(page, limit)
        async with self._uow() as uow:
            dataset = await load_dataset(uow, tenant_id, dataset_id)
            return await uow.queries.list(dataset.id, page=page, limit=limit)
