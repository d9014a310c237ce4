from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from application.knowledge.dataset_view import DatasetView
from application.knowledge.guards import Actor, load_dataset
from domain.knowledge.dataset import check_dataset_name, check_description, parse_indexing_technique, parse_permission
from domain.knowledge.errors import DatasetNameDuplicate
from domain.knowledge.retrieval_model import parse_retrieval_model
from domain.knowledge.services import EmbedderCatalog
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam


@dataclass(frozen=True, slots=True)
class UpdateDatasetRequest:
    actor: Actor
    dataset_id: UUID
    changes: Mapping[str, Any] = field(default_factory=dict)


class UpdateDataset:
    """Changes the fields given (name, description, permission, indexing_technique, embedding model,
    retrieval_model). Rules: as at creation; a name another dataset has is 409; switching an indexed dataset
    between economy and high_quality is refused (it needs a re-index weir does not run yet)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, clock: Clock, catalog: EmbedderCatalog) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog

    async def execute(self, request: UpdateDatasetRequest) -> DatasetView:
        changes = request.changes
        async with self._uow() as uow:
            dataset = await load_dataset(uow, request.actor.tenant_id, request.dataset_id, lock=True)
            if "name" in changes:
                dataset.name = check_dataset_name(changes["name"])
                if await uow.datasets.name_taken(dataset.tenant_id, dataset.name, except_id=dataset.id):
                    raise DatasetNameDuplicate()
            if "description" in changes:
                dataset.description = check_description(changes["description"])
            if changes.get("permission") is not None:
                dataset.permission = parse_permission(changes["permission"])
            if changes.get("retrieval_model") is not None:
                dataset.retrieval_model = parse_retrieval_model(changes["retrieval_model"]).to_dict()
            technique = parse_indexing_technique(changes.get("indexing_technique"))
            counts = await uow.datasets.counts([dataset.id])
            has_documents = counts.get(dataset.id, (0, 0, 0))[0] > 0
            if technique is not None and technique != dataset.indexing_technique:
                if has_documents and dataset.indexing_technique is not None:
                    raise InvalidParam("Changing the indexing technique of a dataset with documents is not supported.",
                                       param="indexing_technique")
                dataset.indexing_technique = technique
            if changes.get("embedding_model") and dataset.is_high_quality:
                provider = changes.get("embedding_model_provider")
                embedder = await self._catalog.embedder(dataset.tenant_id, provider, changes["embedding_model"])
                if has_documents and embedder.model_name != dataset.embedding_model:
                    raise InvalidParam("Changing the embedding model of a dataset with documents is not supported.",
                                       param="embedding_model")
                dataset.embedding_model = embedder.model_name
                dataset.embedding_model_provider = provider or self._catalog.default.provider
            dataset.updated_by, dataset.updated_at = request.actor.account_id, self._clock.now()
            await uow.datasets.update(dataset)
            tags = (await uow.tags.of_targets([dataset.id]))[dataset.id]
            await uow.commit()
        return DatasetView(dataset, *counts.get(dataset.id, (0, 0, 0)), tags=tags)
