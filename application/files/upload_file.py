import hashlib
from uuid import UUID

from domain.apps.entities import App, EndUser
from domain.files.entities import UploadFile, UploadLimits, check_upload
from domain.files.ports import FileStorage
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory


class UploadFileForApp:
    """Stores a file an end user uploads for later messages (POST /v1/files/upload).

    Rules: Dify's limits (15 MB files, 10 MB images, 100 MB video, 50 MB audio; a blacklist of
    extensions; a name without path separators; a MIME type); bytes are written before the row, so a row
    never points at nothing.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, storage: FileStorage, limits: UploadLimits, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._limits = limits
        self._clock = clock
        self._ids = ids

    async def execute(self, app: App, end_user: EndUser, name: str, mime_type: str | None, data: bytes) -> UploadFile:
        return await self.store(app.tenant_id, end_user.id, "end_user", name, mime_type, data)

    async def store(
        self, tenant_id: UUID, created_by: UUID, role: str, name: str, mime_type: str | None, data: bytes
    ) -> UploadFile:
        """The same rules for any uploader: `role` is Dify's created_by_role, "end_user" or "account" (a
        console upload: the knowledge page's documents, the debug chat's files)."""
        extension = check_upload(name, len(data), mime_type, self._limits)
        file_id = self._ids.new_id()
        key = f"upload_files/{tenant_id}/{file_id}" + (f".{extension}" if extension else "")
        await self._storage.save(key, data)
        upload = UploadFile(
            id=file_id, tenant_id=tenant_id, key=key, name=name, size=len(data), extension=extension,
            mime_type=mime_type or "", created_by=created_by, created_by_role=role,
            created_at=self._clock.now(), hash=hashlib.sha3_256(data).hexdigest(),
        )
        committed = False
        try:
            async with self._uow() as uow:
                await uow.uploads.add(upload)
                await uow.commit()
                committed = True
        finally:
            if not committed:
                await self._storage.delete(key)
        return upload
