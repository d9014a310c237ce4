"""Vectors in Milvus through pymilvus: a Milvus server, or Milvus Lite when the URI is a local `.db` path.

Every call runs the synchronous `MilvusClient` in a worker thread: milvus-lite 3.2.2's async client cannot
create collections or indexes (its server does not implement AllocTimestamp).
Schema: id (varchar primary key), vector (float, COSINE), text, document_id (varchar, for the document
filter: Milvus Lite's filter grammar accepts `in [...]` on a field but not on a JSON path) and meta (JSON).
Index: FLAT in a Lite file (exact, and the fastest there); HNSW on a server, with its build parameters
(M, efConstruction) and its search breadth (ef, never below top_k) from `HnswParams`: a 2.3 server refuses
an HNSW index without them.
Consistency: collections are Strong, so a delete by document (which the server resolves with a query of its
own) sees every row written before it. Searches on a server ask for Session, as Dify's do: Strong makes each
one wait for the next time tick (about 200 ms on a 2.3 server, bench/retrieval.py), while Session still shows
this process its own writes at once, and another process's within a tick. A 2.3 server's delete answers
with no timestamp Session could wait for, so the first search of a collection after a delete is Strong.
"""

import asyncio
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pymilvus import DataType, MilvusClient, MilvusException

from adapters.vectorstores._checks import check_filter, check_metadata, check_vector, latest_per_id, similarity_score
from domain.knowledge.collections import check_collection_name
from domain.knowledge.errors import VectorCollectionNotFound, VectorDimensionMismatch, VectorStoreUnavailable
from domain.knowledge.ports import MetaValue, VectorFilter, VectorHit, VectorRecord

T = TypeVar("T")

MAX_ID_LENGTH = 256
MAX_TEXT_LENGTH = 65535  # bytes, Milvus's VARCHAR limit
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _literal(value: MetaValue) -> str:
    """A value in Milvus's filter grammar."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).translate(_ESCAPES) + '"'


def filter_expression(where: VectorFilter | None) -> str:
    clauses = []
    if where is not None and where.document_ids is not None:
        clauses.append("document_id in [" + ", ".join(_literal(d) for d in where.document_ids) + "]")
    for key, value in (where.metadata if where else {}).items():
        clauses.append(f'meta["{key}"] == {_literal(value)}')
    return " and ".join(clauses)


def is_local(uri: str) -> bool:
    return uri.endswith(".db") and "://" not in uri


@dataclass(frozen=True)
class HnswParams:
    """A server's HNSW index: graph degree and build breadth (fixed at creation), and search breadth."""

    m: int = 16
    ef_construction: int = 200
    ef: int = 64

    def __post_init__(self) -> None:
        # Milvus's own bounds, checked here so a bad setting fails at startup rather than at the first dataset.
        if not 2 <= self.m <= 2048 or self.ef_construction < 1 or self.ef < 1:
            raise ValueError(f"HNSW out of range: M={self.m} efConstruction={self.ef_construction} ef={self.ef}")


class MilvusVectorStore:
    def __init__(self, uri: str, token: str = "", db_name: str = "", hnsw: HnswParams | None = None) -> None:
        self._uri = uri
        self._token = token
        self._db_name = db_name
        self._hnsw = hnsw or HnswParams()
        self._search_consistency = "Strong" if is_local(uri) else "Session"
        self._client: MilvusClient | None = None
        self._client_lock = threading.Lock()
        # Two documents of one dataset index at once: both would find no collection and both create it.
        self._ddl_lock = threading.Lock()
        self._dimensions: dict[str, int] = {}
        self._loaded: set[str] = set()
        self._deleted: set[str] = set()  # collections with a delete no search has waited for yet

    def _connect(self) -> MilvusClient:
        with self._client_lock:  # opening a Lite file starts its server: once
            if self._client is None:
                options: dict[str, Any] = {"token": self._token} if self._token else {}
                if self._db_name:
                    options["db_name"] = self._db_name
                self._client = MilvusClient(self._uri, **options)
            return self._client

    def close(self) -> None:
        """Closes the connection (and stops the Milvus Lite server of this file)."""
        with self._client_lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    async def _run(self, work: Callable[[MilvusClient], T]) -> T:
        def call() -> T:
            try:
                return work(self._connect())
            except (MilvusException, ConnectionError, OSError) as error:
                raise VectorStoreUnavailable(f"milvus: {getattr(error, 'message', type(error).__name__)}") from error

        return await asyncio.to_thread(call)

    def _dimension(self, client: MilvusClient, collection: str) -> int | None:
        if collection not in self._dimensions:
            if not client.has_collection(collection):
                return None
            fields = client.describe_collection(collection)["fields"]
            self._dimensions[collection] = int(next(f for f in fields if f["name"] == "vector")["params"]["dim"])
        if collection not in self._loaded:  # a collection reopened by a new process must be loaded to search
            client.load_collection(collection)
            self._loaded.add(collection)
        return self._dimensions[collection]

    async def create_collection(self, collection: str, dimension: int, *, defer_index: bool = False) -> None:
        """Milvus builds its index as segments seal, so `defer_index` changes nothing here."""
        check_collection_name(collection)

        def create(client: MilvusClient) -> int:
            with self._ddl_lock:
                return create_once(client)

        def create_once(client: MilvusClient) -> int:
            existing = self._dimension(client, collection)
            if existing is not None:
                return existing
            schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=MAX_ID_LENGTH)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dimension)
            schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT_LENGTH)
            schema.add_field("document_id", DataType.VARCHAR, max_length=MAX_ID_LENGTH)
            schema.add_field("meta", DataType.JSON)
            index = client.prepare_index_params()
            if is_local(self._uri):
                index.add_index(field_name="vector", index_type="FLAT", metric_type="COSINE")
            else:
                build = {"M": self._hnsw.m, "efConstruction": self._hnsw.ef_construction}
                index.add_index(field_name="vector", index_type="HNSW", metric_type="COSINE", params=build)
            try:
                client.create_collection(collection, schema=schema, index_params=index, consistency_level="Strong")
            except MilvusException:
                # Another process created it between our check and our create: use theirs.
                existing = self._dimension(client, collection)
                if existing is None:
                    raise
                return existing
            self._dimensions[collection] = dimension
            self._loaded.add(collection)
            return dimension

        existing = await self._run(create)
        if existing != dimension:
            raise VectorDimensionMismatch(collection, existing, dimension)

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> None:
        check_collection_name(collection)
        records = latest_per_id(records)
        for record in records:
            check_metadata(record.metadata)

        def upsert(client: MilvusClient) -> None:
            dimension = self._dimension(client, collection)
            if dimension is None:
                raise VectorCollectionNotFound(collection)
            rows = [
                {
                    "id": r.id,
                    "vector": check_vector(collection, dimension, r.vector),
                    "text": r.text,
                    "document_id": r.document_id or "",
                    "meta": dict(r.metadata),
                }
                for r in records
            ]
            if rows:
                client.upsert(collection, rows)
                self._flush(client, collection)

        await self._run(upsert)

    def _flush(self, client: MilvusClient, collection: str) -> None:
        # Lite writes to its file on flush. A server shows the write to the next search without it; flushing
        # there would seal a small segment per batch, each to be indexed and compacted.
        if is_local(self._uri):
            client.flush(collection)

    async def _delete(self, collection: str, **target: Any) -> None:
        check_collection_name(collection)

        def delete(client: MilvusClient) -> None:
            if self._dimension(client, collection) is not None:
                client.delete(collection, **target)
                self._deleted.add(collection)
                self._flush(client, collection)

        await self._run(delete)

    async def delete_ids(self, collection: str, ids: Sequence[str]) -> None:
        if ids:
            await self._delete(collection, ids=list(ids))

    async def delete_document(self, collection: str, document_id: str) -> None:
        await self._delete(collection, filter=f"document_id == {_literal(document_id)}")

    async def build_index(self, collection: str) -> None:
        check_collection_name(collection)  # the index came with the collection

    async def delete_collection(self, collection: str) -> None:
        check_collection_name(collection)
        self._dimensions.pop(collection, None)
        self._loaded.discard(collection)
        await self._run(lambda client: client.drop_collection(collection))

    def _consistency_of_search(self, collection: str) -> str:
        if collection in self._deleted:
            self._deleted.discard(collection)
            return "Strong"
        return self._search_consistency

    def _search_params(self, top_k: int) -> dict[str, Any]:
        if is_local(self._uri):
            return {"metric_type": "COSINE"}
        # HNSW returns at most ef candidates: a server refuses ef < top_k.
        return {"metric_type": "COSINE", "params": {"ef": max(self._hnsw.ef, top_k)}}

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int,
        score_threshold: float = 0.0,
        where: VectorFilter | None = None,
    ) -> list[VectorHit]:
        check_collection_name(collection)
        check_filter(where)
        if top_k <= 0:
            return []

        def search(client: MilvusClient) -> list[Mapping[str, Any]]:
            dimension = self._dimension(client, collection)
            if dimension is None:
                return []
            query = check_vector(collection, dimension, vector)
            found = client.search(
                collection,
                data=[query],
                limit=top_k,
                filter=filter_expression(where),
                output_fields=["text", "meta"],
                search_params=self._search_params(top_k),
                consistency_level=self._consistency_of_search(collection),
            )
            return list(found[0]) if found else []

        hits = [
            VectorHit(str(h["id"]), similarity_score(float(h["distance"])), h["entity"]["text"], h["entity"]["meta"])
            for h in await self._run(search)
        ]
        hits = [h for h in hits if h.score >= score_threshold]
        hits.sort(key=lambda h: -h.score)
        return hits
