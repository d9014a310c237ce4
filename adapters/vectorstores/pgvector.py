"""Vectors in PostgreSQL with pgvector: one table a collection, created at run time as Dify does.

Table `embedding_<collection lowercased>` (id text primary key, text, meta jsonb, embedding vector(n)),
with an HNSW index for cosine distance, an index on meta->>'document_id' for deletes and filters, and a
GIN index on the text's tsvector for keyword search.

A collection created with `defer_index` has no HNSW index until `build_index`: inserting a row into the
graph costs ~1.2 ms of PostgreSQL's CPU, ~25× the rest of the row (bench/README.md, issue 15 third round),
while one CREATE INDEX over the loaded rows builds it in memory. Meanwhile the planner has no index to use
and `search` scans the table exactly, which gives the same answers.
"""

import hashlib
import json
import struct
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import psycopg
from psycopg import AsyncConnection as PsycopgConnection
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types import TypeInfo
from psycopg.types.json import Jsonb
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.vectorstores._checks import (
    check_filter,
    check_metadata,
    check_vector,
    check_vector_length,
    latest_per_id,
    similarity_score,
)
from domain.knowledge.collections import check_collection_name
from domain.knowledge.errors import VectorCollectionNotFound, VectorDimensionMismatch, VectorStoreUnavailable
from domain.knowledge.ports import VectorFilter, VectorHit, VectorRecord

# 'simple': no stemming and no stop words, so every language is matched word for word.
TEXT_SEARCH_CONFIG = "simple"
_TSVECTOR = f"to_tsvector('{TEXT_SEARCH_CONFIG}', text)"
BUILD_MEMORY = "512MB"  # maintenance_work_mem for a deferred HNSW build: ~250k rows of 384-d in memory
# Any of the query's words, not all of them (plainto_tsquery alone would AND them).
_TSQUERY = f"replace(plainto_tsquery('{TEXT_SEARCH_CONFIG}', :query)::text, '&', '|')::tsquery"


def _table(collection: str) -> str:
    return f"embedding_{check_collection_name(collection).lower()}"


def _index(table: str, role: str) -> str:
    # Index names stay under PostgreSQL's 63 bytes whatever the table's length.
    return f"ix_{hashlib.sha256(table.encode()).hexdigest()[:20]}_{role}"


def _hnsw_sql(table: str) -> str:
    return f'CREATE INDEX "{_index(table, "hnsw")}" ON "{table}" USING hnsw (embedding vector_cosine_ops)'


def _vector_literal(values: list[float]) -> str:
    return "[" + ",".join(repr(v) for v in values) + "]"


class _PackedVector(bytes):
    """A vector already in pgvector's binary form (dimension, 0, big-endian float4s)."""


def _packed(collection: str, dimension: int, vectors: Sequence[Sequence[float]]) -> list[_PackedVector]:
    """All of a batch's vectors packed at once with numpy (formatting 384 floats as text cost ~1 ms a row)."""
    import numpy as np  # imported with the first upsert, as the local model does

    for vector in vectors:
        check_vector_length(collection, dimension, vector)
    values = np.asarray(vectors, dtype=">f4").reshape(len(vectors), dimension)
    if not np.isfinite(values).all():
        raise ValueError("a vector holds NaN or infinity")
    header = struct.pack(">HH", dimension, 0)
    return [_PackedVector(header + row.tobytes()) for row in values]


def _binary_vectors(info: TypeInfo, connection: PsycopgConnection) -> None:
    """Teaches a psycopg connection (or cursor) to send _PackedVector as `vector` and lists of them as vector[]."""
    info.register(connection)
    dumper = type("PackedVectorDumper", (Dumper,), {"format": Format.BINARY, "oid": info.oid,
                                                    "dump": lambda self, obj: obj})
    connection.adapters.register_dumper(_PackedVector, dumper)


def _where_sql(where: VectorFilter | None, params: dict[str, object]) -> str:
    clauses = []
    if where is not None and where.document_ids is not None:
        params["document_ids"] = list(where.document_ids)
        clauses.append("meta->>'document_id' = ANY(:document_ids)")
    if where is not None and where.metadata:
        params["meta"] = json.dumps(dict(where.metadata))
        clauses.append("meta @> CAST(:meta AS jsonb)")
    return " AND ".join(clauses) or "TRUE"


class PgvectorVectorStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dimensions: dict[str, int] = {}
        self._vector_type: TypeInfo | None = None  # pgvector's type, as psycopg sends it in binary

    @asynccontextmanager
    async def _transaction(self, table: str) -> AsyncIterator[AsyncConnection]:
        """One transaction; a driver error becomes VectorStoreUnavailable and forgets the cached dimension
        (another process may have dropped or recreated the table)."""
        try:
            async with self._engine.begin() as conn:
                yield conn
        except (SQLAlchemyError, psycopg.Error) as error:  # psycopg's own: statements sent on the driver connection
            self._dimensions.pop(table, None)
            self._vector_type = None  # the extension may have been dropped and created again
            raise VectorStoreUnavailable(f"pgvector: {type(error).__name__}") from error

    async def _dimension(self, conn: AsyncConnection, table: str) -> int | None:
        if table not in self._dimensions:
            found = await conn.execute(
                text(
                    "SELECT atttypmod FROM pg_attribute "
                    "WHERE attrelid = to_regclass(:table) AND attname = 'embedding' AND NOT attisdropped"
                ),
                {"table": f'"{table}"'},
            )
            dimension = found.scalar()
            if dimension is None:
                return None
            self._dimensions[table] = dimension
        return self._dimensions[table]

    async def create_collection(self, collection: str, dimension: int, *, defer_index: bool = False) -> None:
        table = _table(collection)
        existing = self._dimensions.get(table)  # known here: it exists (a dropped table fails the next upsert)
        if existing is None:
            async with self._transaction(table) as conn:
                await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:table))"), {"table": table})
                existing = await self._dimension(conn, table)
                if existing is None:
                    await self._create(conn, table, dimension, hnsw=not defer_index)
                    existing = dimension
        if existing != dimension:
            raise VectorDimensionMismatch(collection, existing, dimension)

    async def _create(self, conn: AsyncConnection, table: str, dimension: int, *, hnsw: bool) -> None:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        statements = [
            f'CREATE TABLE "{table}" (id text PRIMARY KEY, text text NOT NULL, meta jsonb NOT NULL, '
            f"embedding vector({int(dimension)}) NOT NULL)",
            *([_hnsw_sql(table)] if hnsw else []),
            f"CREATE INDEX \"{_index(table, 'doc')}\" ON \"{table}\" ((meta->>'document_id'))",
            f'CREATE INDEX "{_index(table, "fts")}" ON "{table}" USING gin ({_TSVECTOR})',
        ]
        for statement in statements:
            await conn.execute(text(statement))

    async def build_index(self, collection: str) -> None:
        table = _table(collection)
        async with self._transaction(table) as conn:
            if await self._dimension(conn, table) is None:
                return
            found = await conn.execute(text("SELECT to_regclass(:index)"), {"index": f'"{_index(table, "hnsw")}"'})
            if found.scalar() is not None:
                return
            await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:table))"), {"table": table})
            # The graph is built in memory when it fits maintenance_work_mem (~2 KB a 384-d row), much faster
            # than on disk; the memory is taken as needed, for this statement only.
            await conn.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
            await conn.execute(text(_hnsw_sql(table).replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)))

    async def upsert(self, collection: str, records: Sequence[VectorRecord]) -> None:
        table = _table(collection)
        records = latest_per_id(records)
        for record in records:
            check_metadata(record.metadata)
        async with self._transaction(table) as conn:
            dimension = await self._dimension(conn, table)
            if dimension is None:
                raise VectorCollectionNotFound(collection)
            if not records:
                return
            vectors = _packed(collection, dimension, [r.vector for r in records])
            # One statement a batch, every value in binary: the rows come out of unnest() of four arrays.
            driver = (await conn.get_raw_connection()).driver_connection
            if self._vector_type is None:
                self._vector_type = await TypeInfo.fetch(driver, "vector")
                if self._vector_type is None:
                    raise VectorCollectionNotFound(collection)
            async with driver.cursor(binary=True) as cursor:
                _binary_vectors(self._vector_type, cursor)
                await cursor.execute(
                    f'INSERT INTO "{table}" (id, text, meta, embedding) '
                    "SELECT * FROM unnest(%b::text[], %b::text[], %b::jsonb[], %b::vector[]) "
                    "ON CONFLICT (id) DO UPDATE SET text = excluded.text, meta = excluded.meta, "
                    "embedding = excluded.embedding",
                    (
                        [r.id for r in records],
                        [r.text for r in records],
                        [Jsonb(dict(r.metadata)) for r in records],
                        vectors,
                    ),
                )

    async def _delete_where(self, collection: str, condition: str, params: dict[str, object]) -> None:
        table = _table(collection)
        async with self._transaction(table) as conn:
            if await self._dimension(conn, table) is not None:
                await conn.execute(text(f'DELETE FROM "{table}" WHERE {condition}'), params)

    async def delete_ids(self, collection: str, ids: Sequence[str]) -> None:
        if ids:
            await self._delete_where(collection, "id = ANY(:ids)", {"ids": list(ids)})

    async def delete_document(self, collection: str, document_id: str) -> None:
        await self._delete_where(collection, "meta->>'document_id' = :document_id", {"document_id": document_id})

    async def delete_collection(self, collection: str) -> None:
        table = _table(collection)
        self._dimensions.pop(table, None)
        async with self._transaction(table) as conn:
            await conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))

    async def search(
        self,
        collection: str,
        vector: Sequence[float],
        *,
        top_k: int,
        score_threshold: float = 0.0,
        where: VectorFilter | None = None,
    ) -> list[VectorHit]:
        table = _table(collection)
        check_filter(where)
        if top_k <= 0:
            return []
        params: dict[str, object] = {"top_k": top_k}
        condition = _where_sql(where, params)
        async with self._transaction(table) as conn:
            dimension = await self._dimension(conn, table)
            if dimension is None:
                return []
            params["query"] = _vector_literal(check_vector(collection, dimension, vector))
            # A filtered HNSW scan keeps going until it has top_k rows (pgvector >= 0.8).
            await conn.execute(text("SET LOCAL hnsw.iterative_scan = relaxed_order"))
            await conn.execute(text(f"SET LOCAL hnsw.ef_search = {max(40, min(int(top_k), 1000))}"))
            rows = await conn.execute(
                text(
                    f"SELECT id, text, meta, embedding <=> CAST(:query AS vector) AS distance "
                    f'FROM "{table}" WHERE {condition} ORDER BY distance LIMIT :top_k'
                ),
                params,
            )
            found = rows.all()
        hits = [VectorHit(r.id, similarity_score(1.0 - float(r.distance)), r.text, r.meta) for r in found]
        hits = [h for h in hits if h.score >= score_threshold]
        hits.sort(key=lambda h: -h.score)  # relaxed_order may return rows slightly out of order
        return hits

    async def search_text(
        self, collection: str, query: str, *, top_k: int, where: VectorFilter | None = None
    ) -> list[VectorHit]:
        """ts_rank over a 'simple' tsvector, any of the query's words matching."""
        table = _table(collection)
        check_filter(where)
        if top_k <= 0 or not query.strip():
            return []
        params: dict[str, object] = {"top_k": top_k, "query": query}
        condition = _where_sql(where, params)
        async with self._transaction(table) as conn:
            if await self._dimension(conn, table) is None:
                return []
            rows = await conn.execute(
                text(
                    f"SELECT id, text, meta, ts_rank({_TSVECTOR}, {_TSQUERY}) AS rank "
                    f'FROM "{table}" WHERE {_TSVECTOR} @@ {_TSQUERY} AND {condition} '
                    "ORDER BY rank DESC, id LIMIT :top_k"
                ),
                params,
            )
            found = rows.all()
        return [VectorHit(r.id, float(r.rank), r.text, r.meta) for r in found if r.rank > 0]
