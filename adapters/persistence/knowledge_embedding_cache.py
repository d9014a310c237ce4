"""The `embeddings` table as a cache of vectors: float32 little-endian bytes, keyed by (model, hash, provider)."""

from array import array
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence import driver_sql
from adapters.persistence.schema.knowledge import embeddings
from domain.shared.clock import Clock
from domain.shared.errors import StoreUnavailable
from domain.shared.ids import IdGenerator

e = embeddings.c
_COLUMNS = ("id", "model_name", "hash", "embedding", "provider_name", "created_at")
# A batch's rows in one statement (one array a column), not one a row.
_INSERT = driver_sql.unnest_insert_sql(
    embeddings, _COLUMNS, on_conflict="ON CONFLICT (model_name, hash, provider_name) DO NOTHING"
)


def _pack(vector: Sequence[float]) -> bytes:
    return array("f", vector).tobytes()


def _unpack(data: bytes) -> list[float]:
    values = array("f")
    values.frombytes(data)
    return values.tolist()


class PostgresEmbeddingCache:
    """A cache failure never fails indexing: a read miss embeds again, a failed write is dropped."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: Clock, ids: IdGenerator) -> None:
        self._session_factory = session_factory
        self._clock = clock
        self._ids = ids

    async def get_many(self, provider: str, model: str, hashes: Sequence[str]) -> Mapping[str, list[float]]:
        if not hashes:
            return {}
        stmt = select(e.hash, e.embedding).where(
            e.model_name == model, e.provider_name == provider, e.hash.in_(list(hashes))
        )
        try:
            async with self._session_factory() as session:
                return {r.hash: _unpack(r.embedding) for r in (await session.execute(stmt)).all()}
        except SQLAlchemyError:
            return {}

    async def put_many(self, provider: str, model: str, vectors: Mapping[str, Sequence[float]]) -> None:
        if not vectors:
            return
        now = self._clock.now()
        rows = [
            {"id": self._ids.new_id(), "model_name": model, "hash": h, "embedding": _pack(v), "provider_name": provider,
             "created_at": now}
            for h, v in vectors.items()
        ]
        try:
            async with self._session_factory() as session:
                await driver_sql.execute(
                    session, _INSERT, driver_sql.unnest_params(embeddings, _COLUMNS, rows)
                )
                await session.commit()
        except (SQLAlchemyError, StoreUnavailable):
            return
