from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import driver_sql
from adapters.persistence.knowledge_datasets import like_pattern
from adapters.persistence.knowledge_mappers import (
    CHILD_FIELDS,
    SEGMENT_FIELDS,
    child_from,
    child_values,
    segment_from,
    segment_values,
)
from adapters.persistence.schema.knowledge import child_chunks, document_segments
from domain.knowledge.repositories import Page
from domain.knowledge.segment import ChildChunk, Segment

s = document_segments.c
c = child_chunks.c

# A document's segments (and child chunks) in one statement each, every column one array: a statement a row cost
# PostgreSQL a parse, plan and execution per row and psycopg a dump of every row's parameters (bench/README.md).
_SEGMENT_COLUMNS = ("id", *SEGMENT_FIELDS, "status")
_CHILD_COLUMNS = ("id", *CHILD_FIELDS, "index_node_id")
_INSERT_SEGMENTS = driver_sql.unnest_insert_sql(document_segments, _SEGMENT_COLUMNS)
_INSERT_CHILDREN = driver_sql.unnest_insert_sql(child_chunks, _CHILD_COLUMNS)


class SqlaSegmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _with_children(self, rows) -> list[Segment]:
        ids = [r.id for r in rows]
        children: dict[UUID, list[ChildChunk]] = {i: [] for i in ids}
        if ids:
            stmt = select(child_chunks).where(c.segment_id.in_(ids)).order_by(c.segment_id, c.position)
            for row in (await self._session.execute(stmt)).all():
                children[row.segment_id].append(child_from(row))
        return [segment_from(r, children[r.id]) for r in rows]

    async def _insert(self, segments: Sequence[Segment]) -> None:
        if not segments:
            return
        rows = [{"id": x.id, **segment_values(x)} for x in segments]
        await driver_sql.execute(
            self._session, _INSERT_SEGMENTS, driver_sql.unnest_params(document_segments, _SEGMENT_COLUMNS, rows)
        )
        children = [{"id": ch.id, **child_values(ch)} for x in segments for ch in x.child_chunks]
        if children:
            await driver_sql.execute(
                self._session, _INSERT_CHILDREN, driver_sql.unnest_params(child_chunks, _CHILD_COLUMNS, children)
            )

    async def replace_for_document(self, document_id: UUID, segments: Sequence[Segment]) -> None:
        await self._session.execute(delete(document_segments).where(s.document_id == document_id))
        await self._insert(segments)

    async def add(self, segments: Sequence[Segment]) -> None:
        await self._insert(segments)

    async def get(self, document_id: UUID, segment_id: UUID) -> Segment | None:
        stmt = select(document_segments).where(s.document_id == document_id, s.id == segment_id)
        rows = (await self._session.execute(stmt)).all()
        found = await self._with_children(rows)
        return found[0] if found else None

    async def update(self, segment: Segment) -> None:
        await self._session.execute(
            update(document_segments).where(s.id == segment.id).values(**segment_values(segment))
        )
        await self._session.execute(delete(child_chunks).where(c.segment_id == segment.id))
        if segment.child_chunks:
            await self._session.execute(child_chunks.insert(), [{"id": ch.id, **child_values(ch)}
                                                                 for ch in segment.child_chunks])

    async def delete(self, segment_id: UUID) -> None:
        await self._session.execute(delete(document_segments).where(s.id == segment_id))

    async def mark_completed(self, segment_ids: Sequence[UUID], at: datetime) -> None:
        if segment_ids:
            await self._session.execute(
                update(document_segments).where(s.id.in_(list(segment_ids))).values(status="completed", completed_at=at)
            )

    async def progress(self, document_ids: Sequence[UUID]) -> dict[UUID, tuple[int, int]]:
        if not document_ids:
            return {}
        stmt = (
            select(s.document_id, func.count().filter(s.status == "completed"), func.count())
            .where(s.document_id.in_(list(document_ids)))
            .group_by(s.document_id)
        )
        return {r[0]: (int(r[1]), int(r[2])) for r in (await self._session.execute(stmt)).all()}

    async def list(
        self, document_id: UUID, *, page: int, limit: int, keyword: str | None, statuses: Sequence[str],
        enabled: bool | None = None, min_hits: int | None = None,
    ) -> Page[Segment]:
        where = [s.document_id == document_id]
        if keyword:
            where.append(s.content.ilike(like_pattern(keyword), escape="\\"))
        if statuses:
            where.append(s.status.in_(list(statuses)))
        if enabled is not None:
            where.append(s.enabled.is_(enabled))
        if min_hits is not None:
            where.append(s.hit_count >= min_hits)
        count = select(func.count()).select_from(document_segments).where(*where)
        total = (await self._session.execute(count)).scalar_one()
        stmt = select(document_segments).where(*where).order_by(s.position).offset((page - 1) * limit).limit(limit)
        return Page(await self._with_children((await self._session.execute(stmt)).all()), total)

    async def by_ids(self, segment_ids: Sequence[UUID]) -> list[Segment]:
        if not segment_ids:
            return []
        rows = (await self._session.execute(select(document_segments).where(s.id.in_(list(segment_ids))))).all()
        return await self._with_children(rows)

    async def next_position(self, document_id: UUID) -> int:
        stmt = select(func.coalesce(func.max(s.position), 0)).where(s.document_id == document_id)
        return int((await self._session.execute(stmt)).scalar_one()) + 1

    async def add_hits(self, segment_ids: Sequence[UUID]) -> None:
        await self._session.execute(
            update(document_segments).where(s.id.in_(list(segment_ids))).values(hit_count=s.hit_count + 1)
        )

    async def children_by_ids(self, child_ids: Sequence[UUID]) -> list[ChildChunk]:
        if not child_ids:
            return []
        rows = (await self._session.execute(select(child_chunks).where(c.id.in_(list(child_ids))))).all()
        return [child_from(r) for r in rows]

    async def add_child(self, child: ChildChunk) -> None:
        await self._session.execute(child_chunks.insert().values(id=child.id, **child_values(child)))

    async def update_child(self, child: ChildChunk) -> None:
        await self._session.execute(update(child_chunks).where(c.id == child.id).values(**child_values(child)))

    async def delete_child(self, child_id: UUID) -> None:
        await self._session.execute(delete(child_chunks).where(c.id == child_id))

    async def list_children(
        self, segment_id: UUID, *, page: int, limit: int, keyword: str | None
    ) -> Page[ChildChunk]:
        where = [c.segment_id == segment_id]
        if keyword:
            where.append(c.content.ilike(like_pattern(keyword), escape="\\"))
        total = (await self._session.execute(select(func.count()).select_from(child_chunks).where(*where))).scalar_one()
        stmt = select(child_chunks).where(*where).order_by(c.position).offset((page - 1) * limit).limit(limit)
        return Page([child_from(r) for r in (await self._session.execute(stmt)).all()], total)
