"""Keyword search over stored chunks with PostgreSQL full text ('simple': word for word, any language with spaces).

Economy datasets are searched this way, and so is full_text_search whatever the vector store: the
chunks' text is already in document_segments / child_chunks, with a GIN index on its tsvector.
"""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import Text, cast, func, literal_column, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence.schema.knowledge import child_chunks, document_segments
from domain.knowledge.services import KeywordHit
from domain.shared.errors import StoreUnavailable

CONFIG = literal_column("'simple'::regconfig")


def _any_word(query: str):
    # plainto_tsquery ANDs the words; any one of them should match.
    return func.replace(cast(func.plainto_tsquery(CONFIG, query), Text), "&", "|")


class PostgresKeywordIndex:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def search(
        self, dataset_id: UUID, query: str, *, top_k: int, document_ids: Sequence[UUID], children: bool
    ) -> list[KeywordHit]:
        if not query.strip() or not document_ids or top_k <= 0:
            return []
        s, c = document_segments.c, child_chunks.c
        source = c if children else s
        vector = func.to_tsvector(CONFIG, source.content)
        tsquery = func.to_tsquery(CONFIG, _any_word(query))
        rank = func.ts_rank(vector, tsquery).label("rank")
        if children:
            stmt = select(c.segment_id, c.id, rank).join(document_segments, s.id == c.segment_id)
        else:
            stmt = select(s.id, literal_column("NULL::uuid"), rank)
        stmt = (
            stmt.where(s.dataset_id == dataset_id, s.document_id.in_(list(document_ids)), s.enabled.is_(True),
                       vector.op("@@")(tsquery))
            .order_by(rank.desc(), source.id)
            .limit(top_k)
        )
        try:
            async with self._session_factory() as session:
                rows = (await session.execute(stmt)).all()
        except SQLAlchemyError as error:
            raise StoreUnavailable("The keyword index is unavailable.") from error
        return [KeywordHit(r[0], r[1], float(r[2])) for r in rows if r[2] > 0]
