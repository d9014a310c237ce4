from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema.knowledge import segment_import_jobs
from domain.knowledge.segment_import import ImportStatus, SegmentImportJob

j = segment_import_jobs.c


def _job(row) -> SegmentImportJob:
    return SegmentImportJob(
        id=row.id,
        tenant_id=row.tenant_id,
        dataset_id=row.dataset_id,
        document_id=row.document_id,
        account_id=row.account_id,
        created_at=row.created_at,
        rows=list(row.rows or []),
        total=row.total,
        imported=row.imported,
        status=ImportStatus(row.status),
        error=row.error,
    )


class SqlaSegmentImportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: SegmentImportJob) -> None:
        await self._session.execute(
            insert(segment_import_jobs).values(
                id=job.id, tenant_id=job.tenant_id, dataset_id=job.dataset_id, document_id=job.document_id,
                account_id=job.account_id, status=job.status.value, total=job.total, imported=job.imported,
                error=job.error, rows=job.rows, created_at=job.created_at, updated_at=job.created_at,
            )
        )

    async def get(self, job_id: UUID) -> SegmentImportJob | None:
        row = (await self._session.execute(select(segment_import_jobs).where(j.id == job_id))).first()
        return _job(row) if row else None

    async def update(self, job: SegmentImportJob) -> None:
        await self._session.execute(
            update(segment_import_jobs)
            .where(j.id == job.id)
            .values(
                status=job.status.value, imported=job.imported, error=job.error, rows=job.rows, updated_at=func.now()
            )
        )

    async def unfinished(self, updated_before: datetime) -> list[UUID]:
        open_ = [ImportStatus.WAITING.value, ImportStatus.PROCESSING.value]
        stmt = select(j.id).where(j.status.in_(open_), j.updated_at <= updated_before).order_by(j.created_at)
        return list((await self._session.execute(stmt)).scalars())
