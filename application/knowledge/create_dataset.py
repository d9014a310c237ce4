from dataclasses import dataclass
from typing import Any

from application.knowledge.guards import Actor
from domain.knowledge.dataset import (
    Dataset,
    check_dataset_name,
    check_description,
    parse_indexing_technique,
    parse_permission,
)
from domain.knowledge.errors import DatasetNameDuplicate
from domain.knowledge.retrieval_model import parse_retrieval_model
from domain.knowledge.services import EmbedderCatalog
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class CreateDatasetRequest:
    actor: Actor
    name: object
    description: object = None
    indexing_technique: object = None
    permission: object = None
    embedding_model: str | None = None
    embedding_model_provider: str | None = None
    retrieval_model: Any = None


class CreateDataset:
    """Creates an empty knowledge base.

    Rules: the name is 1-40 characters and unique in the workspace (409 dataset_name_duplicate); the
    description at most 400; a high_quality dataset gets the named embedding model (it must exist), else
    the default one; retrieval_model, when given, must be valid.
    """

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, clock: Clock, ids: IdGenerator, catalog: EmbedderCatalog
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._catalog = catalog

    async def execute(self, request: CreateDatasetRequest) -> Dataset:
        name = check_dataset_name(request.name)
        technique = parse_indexing_technique(request.indexing_technique)
        retrieval = parse_retrieval_model(request.retrieval_model) if request.retrieval_model else None
        model, provider = request.embedding_model, request.embedding_model_provider
        if technique is not None and technique.value == "high_quality":
            embedder = await self._catalog.embedder(request.actor.tenant_id, provider, model)
            model, provider = embedder.model_name, provider or self._catalog.default.provider
        now = self._clock.now()
        dataset = Dataset(
            id=self._ids.new_id(), tenant_id=request.actor.tenant_id, name=name,
            description=check_description(request.description), permission=parse_permission(request.permission),
            indexing_technique=technique, embedding_model=model, embedding_model_provider=provider,
            retrieval_model=retrieval.to_dict() if retrieval else None,
            created_by=request.actor.account_id, updated_by=request.actor.account_id, created_at=now, updated_at=now,
        )
        async with self._uow() as uow:
            if await uow.datasets.name_taken(dataset.tenant_id, name):
                raise DatasetNameDuplicate()
            await uow.datasets.add(dataset)
            await uow.commit()
        return dataset
