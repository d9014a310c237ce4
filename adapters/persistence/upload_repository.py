from uuid import UUID

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence.schema import upload_files
from domain.files.entities import UploadFile


class SqlaUploadFileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, upload: UploadFile) -> None:
        await self._session.execute(
            upload_files.insert().values(
                id=upload.id, tenant_id=upload.tenant_id, storage_type="local", key=upload.key, name=upload.name,
                size=upload.size, extension=upload.extension, mime_type=upload.mime_type,
                created_by_role=upload.created_by_role, created_by=upload.created_by, created_at=upload.created_at,
                hash=upload.hash,
            )
        )

    async def get(self, file_id: UUID) -> UploadFile | None:
        row = (await self._session.execute(select(upload_files).where(upload_files.c.id == file_id))).first()
        if row is None:
            return None
        return UploadFile(
            id=row.id, tenant_id=row.tenant_id, key=row.key, name=row.name, size=row.size, extension=row.extension,
            mime_type=row.mime_type or "", created_by=row.created_by, created_by_role=row.created_by_role,
            created_at=row.created_at, hash=row.hash or "",
        )

    async def mark_used(self, file_id: UUID, used_by: UUID) -> None:
        await self._session.execute(
            update(upload_files).where(upload_files.c.id == file_id, ~upload_files.c.used)
            .values(used=True, used_by=used_by, used_at=func.now())
        )
