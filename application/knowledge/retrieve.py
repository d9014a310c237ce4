from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.guards import load_dataset
from application.knowledge.rerank_step import RerankStep
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.document import DocForm
from domain.knowledge.errors import DatasetNotInitialized
from domain.knowledge.metadata import parse_metadata_filter
from domain.knowledge.ports import VectorFilter, VectorStore
from domain.knowledge.rerank import RerankHit, RerankSetting, apply_rerank
from domain.knowledge.retrieval import (
    DEFAULT_KEYWORD_WEIGHT,
    DEFAULT_VECTOR_WEIGHT,
    MAX_QUERY_LENGTH,
    NodeRef,
    RetrievedRecord,
    group_hits,
    retrieval_points,
)
from domain.knowledge.retrieval_model import RetrievalModel, SearchMethod, parse_retrieval_model
from domain.knowledge.scoring import Scored, keep_best, normalize_by_max, weighted_fusion
from domain.knowledge.services import EmbedderCatalog, KeywordIndex
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam
from domain.telemetry.ports import MetricsSink


@dataclass(frozen=True, slots=True)
class RetrieveRequest:
    tenant_id: UUID
    dataset_id: UUID
    query: object
    retrieval_model: Any = None


class Retrieve:
    """Hit testing: the dataset's best segments for a query.

    Rules: the query is 1-250 characters; the request's retrieval_model, else the dataset's, else Dify's
    default; economy datasets always search by keyword; hybrid fuses normalised scores with the weights
    (0.7 semantic / 0.3 keyword when none are given); the threshold, when enabled, applies to the final
    score. With `reranking_enable` and a `reranking_model` (semantic and full-text search, or hybrid in
    `reranking_model` mode) the workspace's rerank model orders the hits and its scores are the ones returned
    and compared with the threshold. `retrieval_model.metadata_filtering_conditions`, when given, keeps
    only the documents whose metadata values match (and/or over Dify's comparison operators) before
    searching; once the dataset enabled its built-in fields, document_name, uploader, upload_date,
    last_update_date and source match too. Only enabled segments of available documents come back; each
    returned segment's hit_count grows by one, and every call counts `dify.dataset.retrievals.total`.
    """

    def __init__(
        self, uow: KnowledgeUnitOfWorkFactory, catalog: EmbedderCatalog, vectors: VectorStore, keywords: KeywordIndex,
        metrics: MetricsSink, rerank: RerankStep,
    ) -> None:
        self._uow, self._catalog, self._vectors = uow, catalog, vectors
        self._keywords, self._metrics, self._rerank = keywords, metrics, rerank

    async def execute(self, request: RetrieveRequest) -> list[RetrievedRecord]:
        query = request.query
        if not isinstance(query, str) or not query.strip():
            raise InvalidParam("query is required.", param="query")
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidParam(f"Query cannot exceed {MAX_QUERY_LENGTH} characters.", param="query")
        raw_model = request.retrieval_model
        metadata_filter = parse_metadata_filter(
            raw_model.get("metadata_filtering_conditions") if isinstance(raw_model, Mapping) else None
        )
        async with self._uow() as uow:
            dataset = await load_dataset(uow, request.tenant_id, request.dataset_id)
            # With every document available the vector search needs no filter: an HNSW scan filtered by ten
            # thousand document ids costs twice the unfiltered one at 1M chunks (bench/retrieval.py).
            document_ids, everything = await uow.documents.available_ids(dataset.id)
            everything = everything and metadata_filter is None
            if metadata_filter is not None:
                values = await uow.metadata.values(dataset.id, document_ids)
                if await uow.metadata.built_in_enabled(dataset.id):  # filterable beside the custom fields
                    built_in = await uow.metadata.built_in_values(dataset.id, document_ids)
                    values = {i: {**built_in.get(i, {}), **v} for i, v in values.items()}
                document_ids = [i for i in document_ids if metadata_filter.matches(values.get(i))]
        if dataset.indexing_technique is None:
            raise DatasetNotInitialized()
        model = parse_retrieval_model(request.retrieval_model or dataset.retrieval_model)
        method = model.search_method if dataset.is_high_quality else SearchMethod.KEYWORD
        hierarchical = dataset.doc_form == DocForm.HIERARCHICAL.value
        refs: dict[str, NodeRef] = {}
        ranked: list[Scored] = []
        if document_ids:
            semantic = keyword = []
            if method in (SearchMethod.SEMANTIC, SearchMethod.HYBRID):
                semantic = await self._semantic(dataset, query, model, None if everything else document_ids, refs)
            if method is not SearchMethod.SEMANTIC:
                keyword = await self._keyword(dataset.id, query, model, document_ids, hierarchical, refs)
            if method is SearchMethod.HYBRID:
                weights = (model.vector_weight, model.keyword_weight)
                if weights[0] is None or weights[1] is None:
                    weights = (DEFAULT_VECTOR_WEIGHT, DEFAULT_KEYWORD_WEIGHT)
                # With a rerank model the fusion only gathers the candidates; the model scores them.
                ranked = weighted_fusion(semantic, keyword, vector_weight=weights[0], keyword_weight=weights[1])
            else:
                ranked = semantic or keyword
        async with self._uow() as uow:
            segment_ids = list(dict.fromkeys(refs[h.id].segment_id for h in ranked))
            segments = {s.id: s for s in await uow.segments.by_ids(segment_ids)}
            owners = [s.document_id for s in segments.values()]
            documents = {d.id: d for d in await uow.documents.many(dataset.id, owners)}
        reranker = model.reranker
        if reranker is not None and ranked:
            ranked = await self._reranked(dataset, query, model, reranker, ranked, refs, segments, documents)
        else:
            ranked = keep_best(ranked, top_k=len(ranked), score_threshold=model.threshold)
        records = group_hits(ranked, refs, segments, documents, model.top_k)
        if records:
            async with self._uow() as uow:
                await uow.segments.add_hits([r.segment.id for r in records])
                await uow.commit()
        self._metrics.emit(retrieval_points(dataset.tenant_id, dataset.id))
        return records

    async def rerank(
        self, tenant_id: UUID, setting: RerankSetting, query: str, texts: list[str], *, top_n: int
    ) -> list[RerankHit]:
        """The workspace's rerank model on any texts (the knowledge-retrieval node reranks the records of
        several datasets at once)."""
        return await self._rerank.rerank(tenant_id, setting, query, texts, top_n=top_n)

    async def _reranked(self, dataset, query, model: RetrievalModel, setting: RerankSetting, ranked, refs, segments,
                        documents) -> list[Scored]:
        """Only hits that can be returned are sent (enabled segments of available documents), each as its
        child chunk's text when it is one. The model is asked for top_k of them; in a parent-child dataset
        several children may share a parent, so it is asked for all and the parents are cut to top_k."""
        candidates, texts = [], []
        for hit in ranked:
            ref = refs[hit.id]
            segment = segments.get(ref.segment_id)
            document = documents.get(segment.document_id) if segment else None
            if segment is None or not segment.enabled or document is None or not document.is_available:
                continue
            child = next((c for c in segment.child_chunks if c.id == ref.child_id), None) if ref.child_id else None
            candidates.append(hit)
            texts.append(child.content if child else segment.content)
        top_n = len(candidates) if dataset.doc_form == DocForm.HIERARCHICAL.value else model.top_k
        hits = await self._rerank.rerank(dataset.tenant_id, setting, query, texts, top_n=top_n)
        return apply_rerank(candidates, hits, top_n=top_n, score_threshold=model.threshold)

    async def _semantic(self, dataset, query: str, model: RetrievalModel, document_ids, refs) -> list[Scored]:
        embedder = await self._catalog.embedder(dataset.tenant_id, dataset.embedding_model_provider,
                                                dataset.embedding_model)
        hits = await self._vectors.search(
            collection_for_dataset(dataset.id), await embedder.embed_query(query), top_k=model.top_k * 4,
            where=None if document_ids is None else VectorFilter(document_ids=[str(d) for d in document_ids]),
        )
        for hit in hits:
            child = hit.metadata.get("child_id")
            refs[hit.id] = NodeRef(UUID(str(hit.metadata["segment_id"])), UUID(str(child)) if child else None)
        return [Scored(h.id, h.score) for h in hits]

    async def _keyword(self, dataset_id, query: str, model: RetrievalModel, document_ids, hierarchical, refs):
        hits = await self._keywords.search(
            dataset_id, query, top_k=model.top_k * 4, document_ids=document_ids, children=hierarchical
        )
        scored = []
        for hit in hits:
            node_id = str(hit.child_id or hit.segment_id)
            refs.setdefault(node_id, NodeRef(hit.segment_id, hit.child_id))
            scored.append(Scored(node_id, hit.score))
        order = {s.id: i for i, s in enumerate(scored)}
        return sorted(normalize_by_max(scored), key=lambda s: (-s.score, order[s.id]))
