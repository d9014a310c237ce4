from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import and_, case, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.knowledge_mappers import dataset_from, dataset_values
from adapters.persistence.schema.knowledge import datasets, documents
from adapters.persistence.schema.tenancy import accounts, tenant_account_joins
from domain.knowledge.dataset import Dataset
from domain.knowledge.errors import DatasetNameDuplicate
from domain.knowledge.repositories import Page


def _with_author():
    return select(datasets, accounts.c.name.label("author_name")).outerjoin(
        accounts, accounts.c.id == datasets.c.created_by
    )


def like_pattern(keyword: str) -> str:
    return "%" + keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class SqlaDatasetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, dataset: Dataset) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(datasets.insert().values(id=dataset.id, **dataset_values(dataset)))
        except IntegrityError as error:
            raise DatasetNameDuplicate() from error

    async def get(self, tenant_id: UUID, dataset_id: UUID) -> Dataset | None:
        stmt = _with_author().where(datasets.c.tenant_id == tenant_id, datasets.c.id == dataset_id)
        row = (await self._session.execute(stmt)).first()
        return dataset_from(row) if row else None

    async def get_for_update(self, tenant_id: UUID, dataset_id: UUID) -> Dataset | None:
        stmt = select(datasets).where(datasets.c.tenant_id == tenant_id, datasets.c.id == dataset_id).with_for_update()
        row = (await self._session.execute(stmt)).first()
        return await self.get(tenant_id, dataset_id) if row else None

    async def name_taken(self, tenant_id: UUID, name: str, except_id: UUID | None = None) -> bool:
        where = [datasets.c.tenant_id == tenant_id, datasets.c.name == name]
        if except_id is not None:
            where.append(datasets.c.id != except_id)
        return (await self._session.execute(select(datasets.c.id).where(*where).limit(1))).first() is not None

    async def update(self, dataset: Dataset) -> None:
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    update(datasets).where(datasets.c.id == dataset.id).values(**dataset_values(dataset))
                )
        except IntegrityError as error:
            raise DatasetNameDuplicate() from error

    async def delete(self, dataset_id: UUID) -> None:
        await self._session.execute(delete(datasets).where(datasets.c.id == dataset_id))

    async def list(self, tenant_id: UUID, *, page: int, limit: int, keyword: str | None) -> Page[Dataset]:
        where = [datasets.c.tenant_id == tenant_id]
        if keyword:
            where.append(datasets.c.name.ilike(like_pattern(keyword), escape="\\"))
        total = (await self._session.execute(select(func.count()).select_from(datasets).where(*where))).scalar_one()
        stmt = (
            _with_author().where(*where).order_by(datasets.c.created_at.desc(), datasets.c.id.desc())
            .offset((page - 1) * limit).limit(limit)
        )
        return Page([dataset_from(r) for r in (await self._session.execute(stmt)).all()], total)

    async def counts(self, dataset_ids: Sequence[UUID]) -> dict[UUID, tuple[int, int, int]]:
        if not dataset_ids:
            return {}
        available = and_(
            documents.c.indexing_status == "completed", documents.c.enabled.is_(True), documents.c.archived.is_(False)
        )
        stmt = (
            select(
                documents.c.dataset_id, func.count(),
                func.sum(case((available, 1), else_=0)), func.coalesce(func.sum(documents.c.word_count), 0),
            )
            .where(documents.c.dataset_id.in_(list(dataset_ids)))
            .group_by(documents.c.dataset_id)
        )
        return {r[0]: (int(r[1]), int(r[2] or 0), int(r[3])) for r in (await self._session.execute(stmt)).all()}

    async def owner_of(self, tenant_id: UUID) -> UUID | None:
        j = tenant_account_joins.c
        stmt = select(j.account_id).where(j.tenant_id == tenant_id, j.role == "owner").limit(1)
        return (await self._session.execute(stmt)).scalar_one_or_none()
