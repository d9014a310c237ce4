"""Knowledge use cases over hand-written fakes: creating, indexing, recovering and retrieving documents."""

from datetime import timedelta
from uuid import UUID

import pytest

from adapters.vectorstores.memory import InMemoryVectorStore
from application.knowledge.create_dataset import CreateDataset, CreateDatasetRequest
from application.knowledge.create_document import CreateDocument, CreateDocumentRequest
from application.knowledge.document_input import Upload
from application.knowledge.guards import Actor
from application.knowledge.index_document import IndexDocument
from application.knowledge.recover_documents import RecoverDocuments
from application.knowledge.rerank_step import RerankStep
from application.knowledge.retrieve import Retrieve, RetrieveRequest
from application.knowledge.update_document import UpdateDocument, UpdateDocumentRequest
from domain.knowledge.collections import collection_for_dataset
from domain.knowledge.document import IndexingStatus
from domain.knowledge.errors import DatasetNameDuplicate, DatasetNotFound, UnsupportedFileType
from domain.knowledge.rerank import RerankHit
from domain.models.errors import ProviderNotInitialized
from domain.models.providers import ModelEntry, ProviderCredentials
from domain.shared.errors import InvalidParam
from tests.fakes import FixedClock, RecordingSink, SequentialIds
from tests.unit.knowledge_fakes import (
    DictEmbeddingCache,
    FakeCatalog,
    FakeExtractor,
    FakeFiles,
    FakeKnowledgeUnitOfWork,
    RecordingQueue,
    WordCountKeywordIndex,
)


class FakeRerankers:
    """Scores each document by its position from the end: the reranker reverses whatever it is sent."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def create(self, endpoint_url, api_key, model):
        calls = self.calls

        class Reversing:
            async def rerank(self, query, documents, top_n):
                calls.append({"url": endpoint_url, "key": api_key, "model": model, "query": query,
                              "documents": list(documents), "top_n": top_n})
                n = len(documents)
                return [RerankHit(i, (i + 1) / n) for i in range(n)][::-1][:top_n]

        return Reversing()


TENANT = UUID(int=999)
ACTOR = Actor(TENANT, UUID(int=998))
TEXT = "Refunds are accepted within 30 days.\n\nShipping takes two business days.\n\nLaptops have a two year warranty."
PARAGRAPHS = {"mode": "custom", "rules": {"pre_processing_rules": [], "segmentation": {"separator": "\\n\\n",
                                                                                      "max_tokens": 100}}}


class World:
    def __init__(self) -> None:
        self.uow, self.clock, self.ids = FakeKnowledgeUnitOfWork(), FixedClock(), SequentialIds()
        self.files, self.extractor, self.queue = FakeFiles(), FakeExtractor(), RecordingQueue()
        self.catalog, self.cache, self.vectors = FakeCatalog(), DictEmbeddingCache(), InMemoryVectorStore()
        self.metrics = RecordingSink()
        self.rerankers = FakeRerankers()
        self.providers: list[ProviderCredentials] = []

    async def providers_of(self, tenant_id):
        return self.providers

    async def dataset(self, technique="high_quality", name="Handbook"):
        return await CreateDataset(self.uow, self.clock, self.ids, self.catalog).execute(
            CreateDatasetRequest(actor=ACTOR, name=name, indexing_technique=technique)
        )

    def create_document(self):
        return CreateDocument(self.uow, self.files, self.extractor, self.queue, self.catalog, self.clock, self.ids)

    async def document(self, dataset, text=TEXT, name="handbook"):
        return (await self.create_document().execute(CreateDocumentRequest(
            actor=ACTOR, dataset_id=dataset.id, name=name, upload=Upload.of_text(name, text), process_rule=PARAGRAPHS,
        ))).document

    def indexer(self):
        return IndexDocument(self.uow, self.files, self.extractor, self.catalog, self.cache, self.vectors,
                             lambda t: len(t.split()), self.clock)

    def retrieve(self):
        return Retrieve(self.uow, self.catalog, self.vectors, WordCountKeywordIndex(self.uow), self.metrics,
                        RerankStep(self.providers_of, self.rerankers))

    def stored(self, document_id):
        return self.uow.committed.documents[document_id]

    def segments(self, document_id):
        return sorted((s for s in self.uow.committed.segments.values() if s.document_id == document_id),
                      key=lambda s: s.position)


@pytest.fixture
def world() -> World:
    return World()


async def test_a_document_is_queued_then_indexed_stage_by_stage(world):
    dataset = await world.dataset()
    document = await world.document(dataset)
    assert world.queue.enqueued == [document.id]
    assert world.stored(document.id).indexing_status is IndexingStatus.WAITING

    await world.indexer().execute(document.id)

    stored = world.stored(document.id)
    assert stored.indexing_status is IndexingStatus.COMPLETED and stored.error is None
    assert stored.word_count == len(TEXT) and stored.tokens == len(TEXT.split())
    assert [s.content for s in world.segments(document.id)] == TEXT.split("\n\n")
    assert {s.status.value for s in world.segments(document.id)} == {"completed"}
    assert len(world.vectors._collections[collection_for_dataset(dataset.id)].records) == 3


async def test_indexing_again_replaces_segments_and_vectors_and_reuses_cached_embeddings(world):
    dataset = await world.dataset()
    document = await world.document(dataset)
    await world.indexer().execute(document.id)
    first_ids = [s.id for s in world.segments(document.id)]
    calls = world.catalog.embedder_.calls

    await UpdateDocument(world.uow, world.files, world.extractor, world.queue, world.clock, world.ids).execute(
        UpdateDocumentRequest(actor=ACTOR, dataset_id=dataset.id, document_id=document.id)
    )
    await world.indexer().execute(document.id)
    await world.indexer().execute(document.id)  # a redelivered job on a completed document does nothing

    assert [s.id for s in world.segments(document.id)] == first_ids
    assert len(world.vectors._collections[collection_for_dataset(dataset.id)].records) == 3
    assert world.catalog.embedder_.calls == calls  # every chunk came from the cache


async def test_a_file_that_cannot_be_read_ends_in_error_with_its_reason(world):
    dataset = await world.dataset()
    document = await world.document(dataset, text="broken bytes")
    await world.indexer().execute(document.id)
    stored = world.stored(document.id)
    assert stored.indexing_status is IndexingStatus.ERROR and "broken" in stored.error
    assert stored.display_status == "error" and stored.stopped_at is not None


async def test_bad_input_writes_nothing(world):
    dataset = await world.dataset(technique=None)
    create = world.create_document()
    cases = [
        (CreateDocumentRequest(actor=ACTOR, dataset_id=dataset.id, name="a", upload=Upload("a.exe", b"x")),
         UnsupportedFileType),
        (CreateDocumentRequest(actor=ACTOR, dataset_id=dataset.id, name="a", upload=Upload("a.txt", b"x")),
         InvalidParam),  # the first document must choose an indexing technique
        (CreateDocumentRequest(actor=ACTOR, dataset_id=dataset.id, name="a", upload=Upload("a.txt", b"x"),
                               indexing_technique="economy", process_rule={"mode": "custom"}), InvalidParam),
        (CreateDocumentRequest(actor=ACTOR, dataset_id=UUID(int=1234), name="a", upload=Upload("a.txt", b"x"),
                               indexing_technique="economy"), DatasetNotFound),
    ]
    for request, error in cases:
        with pytest.raises(error):
            await create.execute(request)
    assert world.uow.committed.documents == {} and world.queue.enqueued == []
    assert world.uow.committed.datasets[dataset.id].indexing_technique is None
    with pytest.raises(DatasetNameDuplicate):
        await world.dataset(name="Handbook")


async def test_recovery_requeues_documents_whose_job_is_gone(world):
    dataset = await world.dataset()
    stuck, fresh = await world.document(dataset, name="stuck"), None
    async with world.uow() as uow:
        doc = await uow.documents.get_by_id(stuck.id)
        doc.move_to(IndexingStatus.PARSING, world.clock.now())
        await uow.documents.update(doc)
        await uow.commit()
    world.clock.advance(minutes=30)
    fresh = await world.document(dataset, name="fresh")
    world.queue.enqueued.clear()

    assert await RecoverDocuments(world.uow, world.queue, world.clock).execute() == 1
    assert world.queue.enqueued == [stuck.id]
    await world.indexer().execute(stuck.id)
    assert world.stored(stuck.id).indexing_status is IndexingStatus.COMPLETED
    assert await RecoverDocuments(world.uow, world.queue, world.clock).execute(timedelta(0)) == 1  # `fresh`
    assert world.queue.enqueued[-1] == fresh.id


@pytest.mark.parametrize("method", ["semantic_search", "full_text_search", "hybrid_search"])
async def test_retrieval_finds_the_matching_segment_first_and_counts_it(world, method):
    dataset = await world.dataset()
    document = await world.document(dataset)
    await world.indexer().execute(document.id)

    records = await world.retrieve().execute(RetrieveRequest(
        tenant_id=TENANT, dataset_id=dataset.id, query="what warranty do laptops have",
        retrieval_model={"search_method": method, "top_k": 2},
    ))

    assert records[0].segment.content == "Laptops have a two year warranty."
    assert len(records) <= 2 and records[0].score >= records[-1].score
    assert [p.instrument.name for p in world.metrics.points] == ["dify.dataset.retrievals.total"]
    assert world.uow.committed.segments[records[0].segment.id].hit_count == 1


async def test_the_vector_search_is_filtered_by_document_only_while_some_document_is_not_available(world):
    dataset = await world.dataset()
    kept = await world.document(dataset, name="kept")
    other = await world.document(dataset, text="Laptops have a five year warranty elsewhere.", name="other")
    for document in (kept, other):
        await world.indexer().execute(document.id)
    filters = []
    search = world.vectors.search

    async def spied(collection, vector, **kwargs):
        filters.append(kwargs.get("where"))
        return await search(collection, vector, **kwargs)

    world.vectors.search = spied
    request = RetrieveRequest(tenant_id=TENANT, dataset_id=dataset.id, query="laptops warranty",
                              retrieval_model={"search_method": "semantic_search", "top_k": 5})
    everything = await world.retrieve().execute(request)
    assert filters == [None] and {r.document.id for r in everything} == {kept.id, other.id}
    async with world.uow() as uow:
        stored = world.stored(other.id)
        stored.enabled = False
        await uow.documents.update(stored)
        await uow.commit()
    found = await world.retrieve().execute(request)
    assert list(filters[-1].document_ids) == [str(kept.id)] and {r.document.id for r in found} == {kept.id}


async def test_economy_datasets_search_by_keyword_even_when_asked_for_semantic(world):
    dataset = await world.dataset(technique="economy")
    document = await world.document(dataset)
    await world.indexer().execute(document.id)
    assert collection_for_dataset(dataset.id) not in world.vectors._collections
    records = await world.retrieve().execute(RetrieveRequest(
        tenant_id=TENANT, dataset_id=dataset.id, query="shipping days", retrieval_model={"search_method": "semantic_search"},
    ))
    assert records[0].segment.content == "Shipping takes two business days."


async def test_retrieval_refuses_a_blank_query_and_bad_weights(world):
    dataset = await world.dataset()
    with pytest.raises(InvalidParam):
        await world.retrieve().execute(RetrieveRequest(tenant_id=TENANT, dataset_id=dataset.id, query=" "))
    bad = {"search_method": "hybrid_search", "weights": {"vector_setting": {"vector_weight": 0.9},
                                                          "keyword_setting": {"keyword_weight": 0.9}}}
    with pytest.raises(InvalidParam):
        await world.retrieve().execute(RetrieveRequest(tenant_id=TENANT, dataset_id=dataset.id, query="x",
                                                       retrieval_model=bad))


async def test_a_paused_document_is_skipped_until_resumed_and_errors_can_be_retried(world):
    from application.knowledge.pause_document import PauseDocument
    from application.knowledge.resume_document import ResumeDocument
    from application.knowledge.retry_documents import RetryDocuments
    from domain.knowledge.errors import DocumentAlreadyFinished

    dataset = await world.dataset()
    document = await world.document(dataset)
    await PauseDocument(world.uow, world.clock).execute(TENANT, dataset.id, document.id)
    await world.indexer().execute(document.id)
    assert world.stored(document.id).display_status == "paused" and world.segments(document.id) == []

    await ResumeDocument(world.uow, world.queue, world.clock).execute(TENANT, dataset.id, document.id)
    assert world.queue.enqueued[-1] == document.id
    await world.indexer().execute(document.id)
    assert world.stored(document.id).indexing_status is IndexingStatus.COMPLETED
    with pytest.raises(DocumentAlreadyFinished):
        await PauseDocument(world.uow, world.clock).execute(TENANT, dataset.id, document.id)

    broken = await world.document(dataset, text="broken", name="broken")
    await world.indexer().execute(broken.id)
    batch = await RetryDocuments(world.uow, world.queue, world.clock, world.ids).execute(TENANT, dataset.id, [broken.id])
    assert world.stored(broken.id).indexing_status is IndexingStatus.WAITING and world.stored(broken.id).batch == batch
    with pytest.raises(InvalidParam):
        await RetryDocuments(world.uow, world.queue, world.clock, world.ids).execute(TENANT, dataset.id, [document.id])


def _reranking(method="semantic_search", top_k=3, threshold=None, mode=None):
    return {"search_method": method, "top_k": top_k, "reranking_enable": True, "reranking_mode": mode,
            "score_threshold_enabled": threshold is not None, "score_threshold": threshold or 0.0,
            "reranking_model": {"reranking_provider_name": "langgenius/siliconflow/siliconflow",
                                "reranking_model_name": "bge-reranker"}}


@pytest.mark.parametrize("method", ["semantic_search", "full_text_search", "hybrid_search"])
async def test_a_rerank_model_orders_the_hits_and_its_scores_are_returned(world, method):
    world.providers = [ProviderCredentials(TENANT, "siliconflow", "http://rerank.test/v1", "sk-r",
                                           (ModelEntry("bge-reranker", "rerank"),))]
    dataset = await world.dataset()
    document = await world.document(dataset)
    await world.indexer().execute(document.id)
    query = "laptops shipping refunds days warranty"
    reranked = await world.retrieve().execute(RetrieveRequest(TENANT, dataset.id, query, _reranking(method, 2)))
    [call] = world.rerankers.calls
    assert (call["url"], call["key"], call["model"], call["query"], call["top_n"]) == (
        "http://rerank.test/v1", "sk-r", "bge-reranker", query, 2)
    # The reverser puts the last candidate sent first, scoring it 1.0.
    assert [r.segment.content for r in reranked] == call["documents"][::-1][:2]
    assert reranked[0].score == 1.0 and len(reranked) == 2 and len(call["documents"]) == 3


async def test_the_threshold_applies_to_rerank_scores(world):
    world.providers = [ProviderCredentials(TENANT, "siliconflow", "http://rerank.test/v1", None,
                                           (ModelEntry("bge-reranker", "rerank"),))]
    dataset = await world.dataset()
    document = await world.document(dataset)
    await world.indexer().execute(document.id)
    records = await world.retrieve().execute(RetrieveRequest(
        TENANT, dataset.id, "laptops shipping refunds", _reranking("full_text_search", 3, threshold=0.9)))
    assert [r.score for r in records] == [1.0]


async def test_weighted_score_hybrid_does_not_call_the_reranker_and_an_unknown_model_is_not_initialized(world):
    dataset = await world.dataset()
    document = await world.document(dataset)
    await world.indexer().execute(document.id)
    weighted = _reranking("hybrid_search", mode="weighted_score")
    assert await world.retrieve().execute(RetrieveRequest(TENANT, dataset.id, "laptops", weighted))
    assert world.rerankers.calls == []
    with pytest.raises(ProviderNotInitialized):
        await world.retrieve().execute(RetrieveRequest(TENANT, dataset.id, "laptops", _reranking()))
