from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.knowledge_datasets import like_pattern
from adapters.persistence.schema.knowledge import tag_bindings, tags
from domain.knowledge.tags import TAG_TYPE, Tag

t = tags.c
b = tag_bindings.c


def _tag(row, count: int = 0) -> Tag:
    return Tag(id=row.id, tenant_id=row.tenant_id, name=row.name, created_at=row.created_at,
               created_by=row.created_by, type=row.type, binding_count=count)


class SqlaTagRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, tag: Tag) -> None:
        await self._session.execute(tags.insert().values(
            id=tag.id, tenant_id=tag.tenant_id, type=tag.type, name=tag.name, created_by=tag.created_by,
            created_at=tag.created_at,
        ))

    async def get(self, tenant_id: UUID, tag_id: UUID, kind: str = TAG_TYPE) -> Tag | None:
        stmt = select(tags).where(t.tenant_id == tenant_id, t.id == tag_id, t.type == kind)
        row = (await self._session.execute(stmt)).first()
        return _tag(row) if row else None

    async def name_taken(self, tenant_id: UUID, name: str, kind: str = TAG_TYPE) -> bool:
        stmt = select(t.id).where(t.tenant_id == tenant_id, t.type == kind, t.name == name).limit(1)
        return (await self._session.execute(stmt)).first() is not None

    async def rename(self, tag: Tag) -> None:
        await self._session.execute(update(tags).where(t.id == tag.id).values(name=tag.name))

    async def delete(self, tag_id: UUID) -> None:
        await self._session.execute(delete(tags).where(t.id == tag_id))

    async def list(self, tenant_id: UUID, keyword: str | None, kind: str = TAG_TYPE) -> list[Tag]:
        count = select(func.count()).where(b.tag_id == t.id).scalar_subquery()
        stmt = select(tags, count.label("bindings")).where(t.tenant_id == tenant_id, t.type == kind)
        if keyword:
            stmt = stmt.where(t.name.ilike(like_pattern(keyword), escape="\\"))
        rows = (await self._session.execute(stmt.order_by(t.created_at.desc(), t.id))).all()
        return [_tag(r, int(r.bindings)) for r in rows]

    async def bind(self, tenant_id: UUID, tag_ids: Sequence[UUID], target_id: UUID, by: UUID | None) -> None:
        if tag_ids:
            rows = [{"tenant_id": tenant_id, "tag_id": i, "target_id": target_id, "created_by": by} for i in tag_ids]
            await self._session.execute(insert(tag_bindings).values(rows).on_conflict_do_nothing())

    async def unbind(self, tag_ids: Sequence[UUID], target_id: UUID) -> None:
        await self._session.execute(delete(tag_bindings).where(b.tag_id.in_(list(tag_ids)), b.target_id == target_id))

    async def of_targets(self, target_ids: Sequence[UUID], kind: str = TAG_TYPE) -> dict[UUID, list[Tag]]:
        found: dict[UUID, list[Tag]] = {i: [] for i in target_ids}
        if target_ids:
            stmt = (
                select(tags, b.target_id).join(tag_bindings, b.tag_id == t.id)
                .where(b.target_id.in_(list(target_ids)), t.type == kind).order_by(t.name)
            )
            for row in (await self._session.execute(stmt)).all():
                found[row.target_id].append(_tag(row))
        return found

    async def targets_with_all(self, tenant_id: UUID, tag_ids: Sequence[UUID]) -> set[UUID]:
        wanted = list(dict.fromkeys(tag_ids))
        stmt = (
            select(b.target_id).where(b.tenant_id == tenant_id, b.tag_id.in_(wanted))
            .group_by(b.target_id).having(func.count(func.distinct(b.tag_id)) == len(wanted))
        )
        return {row.target_id for row in (await self._session.execute(stmt)).all()}
