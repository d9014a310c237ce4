"""The knowledge tables on a real PostgreSQL: repositories, keyword search and the embedding cache."""

from datetime import UTC, datetime
from uuid import uuid4

import psycopg
import pytest

from adapters.persistence.engine import make_session_factory
from adapters.persistence.knowledge_embedding_cache import PostgresEmbeddingCache
from adapters.persistence.knowledge_keyword_index import PostgresKeywordIndex
from adapters.persistence.knowledge_unit_of_work import SqlaKnowledgeUnitOfWork
from adapters.system.ids import UuidV7Generator
from domain.knowledge.dataset import Dataset
from domain.knowledge.document import Document, IndexingStatus
from domain.knowledge.errors import DatasetNameDuplicate
from domain.knowledge.segment import Segment, segment_id_for
from tests.fakes import FixedClock

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def tenant_id(clean_database):
    tenant = uuid4()
    with psycopg.connect(clean_database, autocommit=True) as conn:
        conn.execute("INSERT INTO tenants (id, name) VALUES (%s, 'w')", (tenant,))
    return tenant


@pytest.fixture
def factory(engine):
    return make_session_factory(engine)


async def _seed(factory, tenant_id) -> tuple[Dataset, Document, list[Segment]]:
    dataset = Dataset(id=uuid4(), tenant_id=tenant_id, name="kb", created_by=None, created_at=NOW, updated_at=NOW)
    document = Document(id=uuid4(), tenant_id=tenant_id, dataset_id=dataset.id, position=1, name="d", batch="b",
                        created_at=NOW, updated_at=NOW)
    texts = ["the laptop warranty lasts two years", "shipping takes two days", "refunds within thirty days"]
    segments = [
        Segment(id=segment_id_for(document.id, i), tenant_id=tenant_id, dataset_id=dataset.id, document_id=document.id,
                position=i, content=t, word_count=len(t), tokens=len(t.split()), created_at=NOW, updated_at=NOW)
        for i, t in enumerate(texts, start=1)
    ]
    async with SqlaKnowledgeUnitOfWork(factory) as uow:
        await uow.datasets.add(dataset)
        await uow.documents.add(document)
        await uow.segments.replace_for_document(document.id, segments)
        await uow.commit()
    return dataset, document, segments


async def test_rows_round_trip_and_replacing_segments_leaves_no_duplicates(factory, tenant_id):
    dataset, document, segments = await _seed(factory, tenant_id)
    async with SqlaKnowledgeUnitOfWork(factory) as uow:
        await uow.segments.replace_for_document(document.id, segments)
        await uow.segments.mark_completed([segments[0].id], NOW)
        document.move_to(IndexingStatus.PARSING, NOW)
        await uow.documents.update(document)
        await uow.commit()
    async with SqlaKnowledgeUnitOfWork(factory) as uow:
        assert await uow.documents.get(dataset.id, document.id) == document
        assert (await uow.datasets.get(tenant_id, dataset.id)).name == "kb"
        assert await uow.segments.progress([document.id]) == {document.id: (1, 3)}
        page = await uow.segments.list(document.id, page=1, limit=10, keyword="two", statuses=[])
        assert [s.position for s in page.items] == [1, 2] and page.total == 2
        with pytest.raises(DatasetNameDuplicate):
            await uow.datasets.add(Dataset(id=uuid4(), tenant_id=tenant_id, name="kb", created_by=None,
                                           created_at=NOW, updated_at=NOW))


async def test_keyword_search_ranks_segments_with_the_query_words(factory, tenant_id):
    dataset, document, segments = await _seed(factory, tenant_id)
    index = PostgresKeywordIndex(factory)
    hits = await index.search(dataset.id, "laptop warranty", top_k=5, document_ids=[document.id], children=False)
    assert [h.segment_id for h in hits] == [segments[0].id]
    hits = await index.search(dataset.id, "two", top_k=5, document_ids=[document.id], children=False)
    assert {h.segment_id for h in hits} == {segments[0].id, segments[1].id}
    assert await index.search(dataset.id, "two", top_k=5, document_ids=[uuid4()], children=False) == []


async def test_the_embedding_cache_keeps_the_first_vector_per_model_and_text(factory):
    cache = PostgresEmbeddingCache(factory, FixedClock(), UuidV7Generator())
    await cache.put_many("p", "m", {"h1": [0.5, -0.25]})
    await cache.put_many("p", "m", {"h1": [9.0, 9.0], "h2": [1.0, 0.0]})
    assert await cache.get_many("p", "m", ["h1", "h2", "h3"]) == {"h1": [0.5, -0.25], "h2": [1.0, 0.0]}
    assert await cache.get_many("p", "other", ["h1"]) == {}
