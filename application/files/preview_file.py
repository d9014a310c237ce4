from uuid import UUID

from domain.apps.entities import App
from domain.files.entities import FileAccessDenied, FileNotFound, UploadFile
from domain.files.ports import FileStorage
from domain.shared.unit_of_work import UnitOfWorkFactory


class PreviewFile:
    """An uploaded file's bytes for the Service API's /files/{id}/preview.

    Rules: an unknown file is not found; a file of another workspace, or uploaded by an end user of another app,
    is denied (the app's own end users and its owner's console uploads are readable through the app's key);
    bytes missing from the storage are not found."""

    def __init__(self, uow: UnitOfWorkFactory, storage: FileStorage) -> None:
        self._uow = uow
        self._storage = storage

    async def execute(self, app: App, file_id: UUID) -> tuple[UploadFile, bytes]:
        async with self._uow() as uow:
            upload = await uow.uploads.get(file_id)
            if upload is None:
                raise FileNotFound()
            if upload.tenant_id != app.tenant_id:
                raise FileAccessDenied()
            if upload.created_by_role == "end_user":
                uploader = await uow.end_users.get(upload.created_by)
                if uploader is None or uploader.app_id != app.id:
                    raise FileAccessDenied()
        try:
            return upload, await self._storage.load(upload.key)
        except FileNotFoundError:
            raise FileNotFound() from None
