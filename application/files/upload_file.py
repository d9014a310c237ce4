import hashlib

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
        extension = check_upload(name, len(data), mime_type, self._limits)
        file_id = self._ids.new_id()
        key = f"upload_files/{app.tenant_id}/{file_id}" + (f".{extension}" if extension else "")
        await self._storage.save(key, data)
        upload = UploadFile(
            id=file_id,
            tenant_id=app.tenant_id,
            key=key,
            name=name,
            size=len(data),
            extension=extension,
            mime_type=mime_type or "",
            created_by=end_user.id,
            created_by_role="end_user",
            created_at=self._clock.now(),
            hash=hashlib.sha3_256(data).hexdigest(),
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
