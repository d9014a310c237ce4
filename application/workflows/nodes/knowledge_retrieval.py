"""knowledge-retrieval: the query against the node's datasets, through the knowledge context's retrieval."""

from uuid import UUID

from application.knowledge.retrieve import Retrieve, RetrieveRequest
from domain.shared.errors import DomainError
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import as_text


class KnowledgeRetrievalExecutor:
    """Rules: every dataset of the node is searched (multiple mode: top_k / score_threshold from
    multiple_retrieval_config); records are merged best first and cut to top_k; a dataset of another
    workspace is an error, never a leak."""

    def __init__(self, retrieve: Retrieve) -> None:
        self._retrieve = retrieve

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        data = node.data
        query = as_text(context.pool.get(list(data.get("query_variable_selector") or [])))
        config = data.get("multiple_retrieval_config") or {}
        top_k = int(config.get("top_k") or 4)
        retrieval_model = {
            "search_method": "hybrid_search" if config.get("weights") else "semantic_search",
            "top_k": top_k,
            "score_threshold_enabled": config.get("score_threshold") is not None,
            "score_threshold": config.get("score_threshold") or 0.0,
            "reranking_enable": False,
        }
        records = []
        for dataset_id in data.get("dataset_ids") or []:
            try:
                found = await self._retrieve.execute(
                    RetrieveRequest(context.run.tenant_id, UUID(str(dataset_id)), query, retrieval_model)
                )
            except (DomainError, ValueError) as error:
                raise NodeFailed(f"Knowledge retrieval failed for dataset {dataset_id}: {error}") from error
            records += [(r, str(dataset_id)) for r in found]
        records.sort(key=lambda pair: pair[0].score, reverse=True)
        result = [
            {
                "content": r.segment.content,
                "title": r.document.name,
                "metadata": {
                    "score": r.score,
                    "dataset_id": dataset_id,
                    "document_id": str(r.document.id),
                    "document_name": r.document.name,
                    "segment_id": str(r.segment.id),
                    "position": r.segment.position,
                },
            }
            for r, dataset_id in records[:top_k]
        ]
        return NodeResult(outputs={"result": result}, inputs={"query": query})
