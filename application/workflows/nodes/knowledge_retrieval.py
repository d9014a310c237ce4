"""knowledge-retrieval: the query against the node's datasets, through the knowledge context's retrieval."""

from typing import Any
from uuid import UUID

from application.knowledge.retrieve import Retrieve, RetrieveRequest
from domain.knowledge.errors import DatasetNotFound, DatasetNotInitialized
from domain.knowledge.rerank import RERANKING_MODEL, RerankSetting, apply_rerank
from domain.knowledge.retrieval import RetrievedRecord
from domain.knowledge.scoring import Scored
from domain.shared.errors import DomainError
from domain.workflows.graph import Node
from domain.workflows.nodes import NodeContext, NodeFailed, NodeResult
from domain.workflows.variables import as_text

DEFAULT_TOP_K = 4


def _dataset_id(raw: object) -> UUID | None:
    try:
        return UUID(str(raw))
    except ValueError:
        return None


def _node_reranker(config: dict[str, Any]) -> RerankSetting | None:
    """Dify's multiple_retrieval_config: reranking is on unless `reranking_enable` is false, in
    `reranking_model` mode (the default), with `reranking_model: {provider, model}`."""
    if config.get("reranking_enable") is False or (config.get("reranking_mode") or RERANKING_MODEL) != RERANKING_MODEL:
        return None
    return RerankSetting.from_mapping(config.get("reranking_model"), "provider", "model")


class KnowledgeRetrievalExecutor:
    """Rules: every dataset of the node is searched. Multiple mode: top_k / score_threshold from
    multiple_retrieval_config; records are merged best first and cut to top_k, or, with a rerank model
    configured, the merged records are reranked by it (top_n = top_k, the threshold compared with its
    scores). Single mode: each dataset by its own retrieval settings (its own reranking included).
    A dataset that does not exist in this workspace, or has no documents yet, finds nothing and the run
    goes on (as in Dify); process data lists those ids. A failing rerank model fails the node."""

    def __init__(self, retrieve: Retrieve) -> None:
        self._retrieve = retrieve

    async def run(self, node: Node, context: NodeContext) -> NodeResult:
        data = node.data
        query = as_text(context.pool.get(list(data.get("query_variable_selector") or [])))
        single = data.get("retrieval_mode") == "single"
        config = {} if single else (data.get("multiple_retrieval_config") or {})
        top_k = int(config.get("top_k") or DEFAULT_TOP_K)
        threshold = config.get("score_threshold")
        reranker = None if single else _node_reranker(config)
        retrieval_model = None if single else {
            "search_method": "hybrid_search" if config.get("weights") else "semantic_search",
            "top_k": top_k,
            # With a node-level rerank the threshold is the model's to apply, after merging.
            "score_threshold_enabled": threshold is not None and reranker is None,
            "score_threshold": threshold or 0.0,
            "reranking_enable": False,
        }
        records: list[tuple[RetrievedRecord, str]] = []
        missing: list[str] = []
        empty: list[str] = []
        for raw_id in data.get("dataset_ids") or []:
            dataset_id = _dataset_id(raw_id)
            if dataset_id is None:
                missing.append(str(raw_id))
                continue
            try:
                found = await self._retrieve.execute(
                    RetrieveRequest(context.run.tenant_id, dataset_id, query, retrieval_model)
                )
            except DatasetNotFound:
                missing.append(str(raw_id))  # another workspace's dataset is missing too: nothing leaks
                continue
            except DatasetNotInitialized:
                empty.append(str(raw_id))
                continue
            except (DomainError, ValueError) as error:
                raise NodeFailed(f"Knowledge retrieval failed for dataset {raw_id}: {error}") from error
            records += [(r, str(dataset_id)) for r in found]
        process: dict[str, Any] = {"missing_dataset_ids": missing, "empty_dataset_ids": empty}
        if reranker is not None:
            records = await self._reranked(context, reranker, query, records, top_k, threshold)
            process["reranking_model"] = {"provider": reranker.provider, "model": reranker.model}
        else:
            records.sort(key=lambda pair: pair[0].score, reverse=True)
            if not single:
                records = records[:top_k]
        result = [
            {
                "content": r.segment.context_text,
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
            for r, dataset_id in records
        ]
        return NodeResult(outputs={"result": result}, inputs={"query": query}, process_data=process)

    async def _reranked(self, context, reranker, query, records, top_k, threshold):
        try:
            hits = await self._retrieve.rerank(
                context.run.tenant_id, reranker, query, [r.segment.content for r, _ in records], top_n=top_k
            )
        except DomainError as error:
            raise NodeFailed(f"Knowledge retrieval failed: rerank model {reranker.model}: {error}") from error
        candidates = [Scored(str(i), r.score) for i, (r, _) in enumerate(records)]
        limit = None if threshold is None else float(threshold)
        kept = []
        for scored in apply_rerank(candidates, hits, top_n=top_k, score_threshold=limit):
            record, dataset_id = records[int(scored.id)]
            record.score = scored.score
            kept.append((record, dataset_id))
        return kept
