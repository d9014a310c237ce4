from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema.knowledge import dataset_queries
from domain.knowledge.queries import DatasetQuery
from domain.knowledge.repositories import Page

q = dataset_queries.c


def _query(row) -> DatasetQuery:
    return DatasetQuery(
        id=row.id,
        dataset_id=row.dataset_id,
        content=row.content,
        source=row.source,
        created_by_role=row.created_by_role,
        created_by=row.created_by,
        created_at=row.created_at,
        source_app_id=row.source_app_id,
    )


class SqlaQueryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, query: DatasetQuery) -> None:
        await self._session.execute(
            dataset_queries.insert().values(
                id=query.id,
                dataset_id=query.dataset_id,
                content=query.content,
                source=query.source,
                source_app_id=query.source_app_id,
                created_by_role=query.created_by_role,
                created_by=query.created_by,
                created_at=query.created_at,
            )
        )

    async def list(self, dataset_id: UUID, *, page: int, limit: int) -> Page[DatasetQuery]:
        where = q.dataset_id == dataset_id
        total = (
            await self._session.execute(select(func.count()).select_from(dataset_queries).where(where))
        ).scalar_one()
        stmt = (
            select(dataset_queries)
            .where(where)
            .order_by(q.created_at.desc(), q.id.desc())
            .offset((page - 1) * limit)
            .limit(limit)
        )
        return Page([_query(r) for r in (await self._session.execute(stmt)).all()], total)
