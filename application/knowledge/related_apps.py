from typing import Any
from uuid import UUID

from application.conversations.knowledge_context import configured_dataset_ids
from application.knowledge.guards import load_dataset
from domain.apps.entities import App
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.unit_of_work import UnitOfWorkFactory

PAGE = 100
RETRIEVAL_NODE = "knowledge-retrieval"


def _graph_uses(graph: Any, dataset_id: str) -> bool:
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        data = node.get("data") if isinstance(node, dict) else None
        named = data.get("dataset_ids") if isinstance(data, dict) and data.get("type") == RETRIEVAL_NODE else None
        if dataset_id in [str(i) for i in named or []]:
            return True
    return False


class FindAppsUsingDataset:
    """The workspace's apps that retrieve from a dataset (the knowledge page's "related apps", and the check
    before it is deleted): an easy-UI app whose current config lists it among its enabled datasets, or a
    workflow or chatflow whose draft or published graph has a knowledge-retrieval node naming it. Newest first.
    weir keeps no app-dataset join table, so the configs and graphs are read as they are now.

    Rules: the dataset is the workspace's (404).
    """

    def __init__(self, uow: UnitOfWorkFactory, knowledge_uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow, self._knowledge_uow = uow, knowledge_uow

    async def execute(self, tenant_id: UUID, dataset_id: UUID) -> list[App]:
        async with self._knowledge_uow() as kuow:
            await load_dataset(kuow, tenant_id, dataset_id)
        wanted, found = str(dataset_id), []
        async with self._uow() as uow:
            page = 1
            while True:
                apps = await uow.apps.list(tenant_id, page=page, limit=PAGE, mode=None, name=None)
                for app in apps.items:
                    config = await uow.model_configs.current(app.id)
                    if config is not None and dataset_id in configured_dataset_ids(config.dataset_configs):
                        found.append(app)
                        continue
                    for workflow in (await uow.workflows.draft(app.id), await uow.workflows.published(app.id)):
                        if workflow is not None and _graph_uses(workflow.graph, wanted):
                            found.append(app)
                            break
                if page * PAGE >= apps.total:
                    return found
                page += 1
