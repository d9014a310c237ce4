"""Context from a chat app's datasets (Dify's dataset_configs): the segments behind the answer, and the
`retriever_resources` message_end reports."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.get_dataset import GetDataset
from application.knowledge.retrieve import Retrieve, RetrieveRequest
from domain.shared.errors import DomainError

CONTEXT_PROMPT = (
    "Use the following context as your learned knowledge, inside <context></context> XML tags.\n"
    "<context>\n{context}\n</context>\n"
    "When answering, do not mention that you took it from the context.\n\n"
)


@dataclass(frozen=True, slots=True)
class KnowledgeContext:
    text: str
    resources: list[dict[str, Any]]


def configured_dataset_ids(dataset_configs: dict[str, Any]) -> list[UUID]:
    """The enabled datasets of Dify's `dataset_configs.datasets.datasets[].dataset{id, enabled}`."""
    entries = ((dataset_configs or {}).get("datasets") or {}).get("datasets") or []
    ids = []
    for entry in entries:
        dataset = entry.get("dataset") if isinstance(entry, dict) else None
        if isinstance(dataset, dict) and dataset.get("enabled", True) and dataset.get("id"):
            try:
                ids.append(UUID(str(dataset["id"])))
            except ValueError:
                continue
    return ids


class GatherKnowledgeContext:
    """Retrieves the query from each configured dataset, merges by score, keeps top_k (Dify: 4).

    Rules: a dataset that cannot be searched (deleted, not indexed) is skipped, never fatal to the chat;
    datasets of another workspace are never read (retrieval is scoped by tenant).
    """

    def __init__(self, retrieve: Retrieve, get_dataset: GetDataset) -> None:
        self._retrieve = retrieve
        self._get_dataset = get_dataset

    async def execute(self, tenant_id: UUID, dataset_configs: dict[str, Any], query: str) -> KnowledgeContext | None:
        ids = configured_dataset_ids(dataset_configs)
        if not ids or not query.strip():
            return None
        top_k = int(dataset_configs.get("top_k") or 4)
        found = []
        for dataset_id in ids:
            try:
                view = await self._get_dataset.execute(tenant_id, dataset_id)
                records = await self._retrieve.execute(RetrieveRequest(tenant_id, dataset_id, query[:250]))
            except DomainError:
                continue
            found += [(record, view.dataset) for record in records]
        found.sort(key=lambda pair: pair[0].score, reverse=True)
        found = found[:top_k]
        if not found:
            return None
        resources = [
            {
                "position": position, "dataset_id": str(dataset.id), "dataset_name": dataset.name,
                "document_id": str(record.document.id), "document_name": record.document.name,
                "data_source_type": record.document.data_source_type, "segment_id": str(record.segment.id),
                "score": record.score, "hit_count": record.segment.hit_count,
                "word_count": record.segment.word_count, "segment_position": record.segment.position,
                "index_node_hash": record.segment.index_node_hash, "content": record.segment.content,
            }
            for position, (record, dataset) in enumerate(found, 1)
        ]
        text = "\n\n".join(record.segment.context_text for record, _ in found)
        return KnowledgeContext(text=text, resources=resources)
