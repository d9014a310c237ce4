"""The VectorStore contract, run against every adapter on its real backend.

memory: in process. pgvector: a database of its own on the suite's embedded PostgreSQL.
milvus: Milvus Lite in a temporary folder. milvus-server: a Milvus standalone server over HTTP/gRPC
(`MILVUS_URI=http://…`, HNSW index), the one at WEIR_TEST_MILVUS_URI or else a throwaway one this session
starts from the `milvus` dev package (tests/milvus_server.py), stopped at the end.
"""

import math
import os
import random
import shutil
import tempfile
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest
from pymilvus import MilvusClient

from adapters.persistence.engine import make_engine
from adapters.vectorstores.memory import InMemoryVectorStore
from adapters.vectorstores.milvus import HnswParams, MilvusVectorStore
from adapters.vectorstores.pgvector import PgvectorVectorStore
from domain.knowledge.errors import VectorCollectionNotFound, VectorDimensionMismatch
from domain.knowledge.ports import VectorFilter, VectorRecord
from tests.conftest import server_missing
from tests.databases import create_database
from tests.milvus_server import server_log_tail, start_milvus_server

DIM = 4


@pytest.fixture(scope="session")
async def pg_engine(postgres_root):
    url = create_database(postgres_root[0], "weir_vectors")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    engine = make_engine(url, pool_size=2)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def milvus_store(tmp_path_factory):
    store = MilvusVectorStore(str(tmp_path_factory.mktemp("milvus") / "vectors.db"))
    yield store
    store.close()


@pytest.fixture(scope="session")
def milvus_server_uri():
    """A Milvus server's URL: WEIR_TEST_MILVUS_URI, or a server started here (about 10 s) in a temporary folder."""
    if configured := os.environ.get("WEIR_TEST_MILVUS_URI"):
        yield configured
        return
    data = Path(tempfile.mkdtemp(prefix="weir-test-milvus-"))
    try:
        server = start_milvus_server(data)
    except Exception as error:  # no wheel for this platform, or the server would not start
        log = server_log_tail(data)
        shutil.rmtree(data, ignore_errors=True)
        server_missing(f"a Milvus server ({type(error).__name__}: {error}){chr(10) + log if log else ''}")
    yield server.uri
    server.stop()
    shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="session")
def milvus_server_store(milvus_server_uri):
    store = MilvusVectorStore(milvus_server_uri)
    yield store
    store.close()


@pytest.fixture(params=["memory", "pgvector", "milvus", "milvus-server"])
def store(request):
    if request.param == "memory":
        return InMemoryVectorStore()
    if request.param == "pgvector":
        return PgvectorVectorStore(request.getfixturevalue("pg_engine"))
    if request.param == "milvus-server":
        return request.getfixturevalue("milvus_server_store")
    return request.getfixturevalue("milvus_store")


@pytest.fixture
async def collection(store):
    name = f"Vector_index_{uuid4().hex}_Node"
    await store.create_collection(name, DIM)
    yield name
    await store.delete_collection(name)


def record(record_id: str, vector, document_id: str = "doc-1", text: str | None = None, **meta) -> VectorRecord:
    metadata = {"dataset_id": "ds-1", "document_id": document_id, "doc_hash": f"h-{record_id}", **meta}
    return VectorRecord(record_id, vector, text or f"text of {record_id}", metadata)


def cosine(a, b) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (math.hypot(*a) * math.hypot(*b))


async def test_upserting_an_id_twice_keeps_one_record_with_the_latest_content(store, collection):
    await store.upsert(collection, [record("a", [1, 0, 0, 0], text="old")])
    await store.upsert(collection, [record("a", [1, 0, 0, 0], text="new", enabled=False)])
    await store.upsert(collection, [record("b", [0, 1, 0, 0]), record("b", [0, 1, 0, 0], text="last wins")])
    hits = await store.search(collection, [1, 0, 0, 0], top_k=10)
    assert sorted(h.id for h in hits) == ["a", "b"]
    by_id = {h.id: h for h in hits}
    assert by_id["a"].text == "new" and by_id["a"].metadata["enabled"] is False
    assert by_id["b"].text == "last wins"
    assert by_id["a"].metadata["document_id"] == "doc-1" and by_id["a"].metadata["doc_hash"] == "h-a"


async def test_search_returns_the_nearest_first_with_cosine_scores_in_0_1(store, collection):
    await store.upsert(
        collection,
        [
            record("same", [2, 0, 0, 0]),
            record("close", [1, 0.3, 0, 0]),
            record("orthogonal", [0, 0, 1, 0]),
            record("opposite", [-1, 0, 0, 0]),
        ],
    )
    hits = await store.search(collection, [1, 0, 0, 0], top_k=4)
    assert [h.id for h in hits][:2] == ["same", "close"]
    assert sorted(h.id for h in hits) == ["close", "opposite", "orthogonal", "same"]
    assert all(0 <= h.score <= 1 for h in hits)
    scores = {h.id: h.score for h in hits}
    assert scores["same"] == pytest.approx(1, abs=1e-5)
    assert scores["close"] == pytest.approx(cosine([1, 0.3, 0, 0], [1, 0, 0, 0]), abs=1e-5)
    assert scores["orthogonal"] == pytest.approx(0, abs=1e-5) and scores["opposite"] == pytest.approx(0, abs=1e-5)


async def test_search_ranks_like_brute_force(store, collection):
    rng = random.Random(7)
    vectors = {f"p{i}": [rng.uniform(-1, 1) for _ in range(DIM)] for i in range(30)}
    await store.upsert(collection, [record(k, v) for k, v in vectors.items()])
    query = [0.3, -0.2, 0.9, 0.1]
    expected = sorted((max(0.0, cosine(v, query)) for v in vectors.values()), reverse=True)[:5]
    hits = await store.search(collection, query, top_k=5)
    assert [h.score for h in hits] == pytest.approx(expected, abs=1e-4)


async def test_a_collection_with_its_index_deferred_answers_the_same_before_and_after_the_index_is_built(store):
    name = f"Vector_index_{uuid4().hex}_Node"
    rng = random.Random(11)
    vectors = {f"p{i}": [rng.uniform(-1, 1) for _ in range(DIM)] for i in range(200)}
    query = [0.3, -0.2, 0.9, 0.1]
    expected = sorted((max(0.0, cosine(v, query)) for v in vectors.values()), reverse=True)[:5]
    await store.build_index(name)  # a missing collection: nothing to do, no error
    await store.create_collection(name, DIM, defer_index=True)
    try:
        await store.upsert(name, [record(k, v, f"doc-{i % 3}") for i, (k, v) in enumerate(vectors.items())])
        before = await store.search(name, query, top_k=5)
        await store.build_index(name)
        await store.build_index(name)  # idempotent
        await store.upsert(name, [record("late", query, "doc-9")])  # rows after the build are found too
        after = await store.search(name, query, top_k=6)
        filtered = await store.search(name, query, top_k=3, where=VectorFilter(document_ids=["doc-1"]))
    finally:
        await store.delete_collection(name)
    assert [h.score for h in before] == pytest.approx(expected, abs=1e-4)
    assert after[0].id == "late" and [h.score for h in after[1:]] == pytest.approx(expected, abs=1e-4)
    assert len(filtered) == 3 and all(h.metadata["document_id"] == "doc-1" for h in filtered)


async def test_pgvector_builds_the_hnsw_index_only_when_asked_for_a_deferred_collection(pg_engine):
    from sqlalchemy import text

    store = PgvectorVectorStore(pg_engine)
    deferred, indexed = (f"Vector_index_{uuid4().hex}_Node" for _ in range(2))
    await store.create_collection(deferred, DIM, defer_index=True)
    await store.create_collection(indexed, DIM)

    async def hnsw(name: str) -> int:
        async with pg_engine.connect() as conn:
            found = await conn.execute(
                text("SELECT count(*) FROM pg_indexes WHERE tablename = :t AND indexdef LIKE '%USING hnsw%'"),
                {"t": f"embedding_{name.lower()}"},
            )
            return found.scalar_one()

    try:
        assert (await hnsw(deferred), await hnsw(indexed)) == (0, 1)
        await store.create_collection(deferred, DIM)  # an existing collection is left as it is
        assert await hnsw(deferred) == 0
        await store.build_index(deferred)
        await store.build_index(indexed)
        assert (await hnsw(deferred), await hnsw(indexed)) == (1, 1)
    finally:
        await store.delete_collection(deferred)
        await store.delete_collection(indexed)


async def test_top_k_and_score_threshold_are_respected(store, collection):
    await store.upsert(collection, [record(f"r{i}", [1, i / 10, 0, 0]) for i in range(10)])
    assert len(await store.search(collection, [1, 0, 0, 0], top_k=3)) == 3
    assert await store.search(collection, [1, 0, 0, 0], top_k=0) == []
    above = await store.search(collection, [1, 0, 0, 0], top_k=10, score_threshold=0.95)
    expected = {f"r{i}" for i in range(10) if cosine([1, i / 10, 0, 0], [1, 0, 0, 0]) >= 0.95}
    assert {h.id for h in above} == expected and 0 < len(expected) < 10
    assert all(h.score >= 0.95 for h in above)


async def test_filters_keep_only_the_given_documents_and_metadata(store, collection):
    await store.upsert(
        collection,
        [
            record("a1", [1, 0, 0, 0], "doc-a", enabled=True),
            record("a2", [1, 0.1, 0, 0], "doc-a", enabled=False),
            record("b1", [1, 0.05, 0, 0], "doc-b", enabled=True),
            record("c1", [1, 0, 0.1, 0], 'doc-"c"\n', enabled=True),
        ],
    )
    only_b = await store.search(collection, [1, 0, 0, 0], top_k=10, where=VectorFilter(document_ids=["doc-b"]))
    assert [h.id for h in only_b] == ["b1"]
    quoted = await store.search(
        collection, [1, 0, 0, 0], top_k=10, where=VectorFilter(document_ids=['doc-"c"\n', "doc-b"])
    )
    assert sorted(h.id for h in quoted) == ["b1", "c1"]
    enabled_a = VectorFilter(document_ids=["doc-a", "doc-b"], metadata={"enabled": True, "dataset_id": "ds-1"})
    assert sorted(h.id for h in await store.search(collection, [1, 0, 0, 0], top_k=10, where=enabled_a)) == ["a1", "b1"]
    assert await store.search(collection, [1, 0, 0, 0], top_k=10, where=VectorFilter(document_ids=[])) == []
    assert (
        await store.search(collection, [1, 0, 0, 0], top_k=10, where=VectorFilter(metadata={"dataset_id": "other"}))
        == []
    )


async def test_deleting_a_document_removes_its_records_only(store, collection):
    await store.upsert(collection, [record("a1", [1, 0, 0, 0], "doc-a"), record("a2", [0, 1, 0, 0], "doc-a")])
    await store.upsert(collection, [record("b1", [1, 1, 0, 0], "doc-b"), record("b2", [0, 0, 1, 0], "doc-b")])
    await store.delete_document(collection, "doc-a")
    assert sorted(h.id for h in await store.search(collection, [1, 0, 0, 0], top_k=10)) == ["b1", "b2"]
    await store.delete_ids(collection, ["b2", "never-stored"])
    assert [h.id for h in await store.search(collection, [1, 0, 0, 0], top_k=10)] == ["b1"]


async def test_a_deleted_collection_is_gone_and_can_be_made_again(store):
    name = f"Vector_index_{uuid4().hex}_Node"
    await store.create_collection(name, DIM)
    await store.create_collection(name, DIM)  # idempotent
    await store.upsert(name, [record("a", [1, 0, 0, 0])])
    await store.delete_collection(name)
    assert await store.search(name, [1, 0, 0, 0], top_k=5) == []
    await store.delete_document(name, "doc-1")  # nothing to do, no error
    await store.delete_collection(name)
    with pytest.raises(VectorCollectionNotFound):
        await store.upsert(name, [record("a", [1, 0, 0, 0])])
    await store.create_collection(name, 3)
    await store.upsert(name, [record("a", [0, 0, 1])])
    assert [h.id for h in await store.search(name, [0, 0, 1], top_k=5)] == ["a"]
    await store.delete_collection(name)


async def test_a_vector_of_the_wrong_dimension_is_refused_clearly(store, collection):
    with pytest.raises(VectorDimensionMismatch) as error:
        await store.upsert(collection, [record("ok", [1, 0, 0, 0]), record("short", [1, 0, 0])])
    assert error.value.expected == DIM and error.value.got == 3 and collection in error.value.message
    assert await store.search(collection, [1, 0, 0, 0], top_k=5) == []  # nothing of the batch was written
    with pytest.raises(VectorDimensionMismatch):
        await store.search(collection, [1, 0, 0, 0, 0], top_k=5)
    with pytest.raises(VectorDimensionMismatch):
        await store.create_collection(collection, 8)


async def test_malformed_names_are_refused_before_reaching_the_backend(store):
    with pytest.raises(ValueError):
        await store.create_collection("bad name; drop table", DIM)
    with pytest.raises(ValueError):
        await store.search("x" * 54, [1, 0, 0, 0], top_k=1)


@pytest.fixture(params=["memory", "pgvector"])
def text_store(request):
    if request.param == "memory":
        return InMemoryVectorStore()
    return PgvectorVectorStore(request.getfixturevalue("pg_engine"))


async def test_keyword_search_finds_texts_with_any_query_word_best_first(text_store):
    name = f"Vector_index_{uuid4().hex}_Node"
    await text_store.create_collection(name, DIM)
    try:
        await text_store.upsert(
            name,
            [
                record("refund", [1, 0, 0, 0], "doc-a", text="Refund policy: a refund takes five days."),
                record("shipping", [0, 1, 0, 0], "doc-a", text="Shipping is free worldwide."),
                record("other", [0, 0, 1, 0], "doc-b", text="Refund requests go to the desk."),
            ],
        )
        hits = await text_store.search_text(name, "refund days", top_k=10)
        assert [h.id for h in hits] == ["refund", "other"] and all(h.score > 0 for h in hits)
        only_b = await text_store.search_text(name, "refund", top_k=10, where=VectorFilter(document_ids=["doc-b"]))
        assert [h.id for h in only_b] == ["other"]
        assert await text_store.search_text(name, "  ", top_k=10) == []
        assert await text_store.search_text(f"Vector_index_{uuid4().hex}_Node", "refund", top_k=10) == []
    finally:
        await text_store.delete_collection(name)


async def test_a_milvus_server_collection_gets_an_hnsw_index_with_the_configured_parameters(milvus_server_uri):
    store = MilvusVectorStore(milvus_server_uri, hnsw=HnswParams(m=8, ef_construction=64, ef=4))
    name = f"Vector_index_{uuid4().hex}_Node"
    await store.create_collection(name, DIM)
    try:
        client = MilvusClient(milvus_server_uri)
        index = client.describe_index(name, "vector")
        client.close()
        assert (index["index_type"], index["metric_type"]) == ("HNSW", "COSINE")
        assert (int(index["M"]), int(index["efConstruction"])) == (8, 64)
        rng = random.Random(3)
        await store.upsert(name, [record(f"p{i}", [rng.uniform(-1, 1) for _ in range(DIM)]) for i in range(40)])
        # ef=4 is below top_k: the search widens to top_k instead of being refused or cut to 4.
        assert len(await store.search(name, [1, 0, 0, 0], top_k=20)) == 20
    finally:
        await store.delete_collection(name)
        store.close()
