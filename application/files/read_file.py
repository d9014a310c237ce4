from uuid import UUID

from domain.files.entities import UploadFile
from domain.files.ports import FileStorage
from domain.files.signing import signature_valid
from domain.shared.clock import Clock
from domain.shared.errors import Forbidden, NotFound
from domain.shared.unit_of_work import UnitOfWorkFactory


class ReadSignedFile:
    """Serves an uploaded file to whoever holds a valid, unexpired signed URL (FILES_ACCESS_TIMEOUT)."""

    def __init__(self, uow: UnitOfWorkFactory, storage: FileStorage, clock: Clock, key: str, ttl_seconds: int) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock
        self._key = key
        self._ttl = ttl_seconds

    async def execute(self, file_id: UUID, timestamp: int, nonce: str, sign: str) -> tuple[UploadFile, bytes]:
        now = int(self._clock.now().timestamp())
        if not signature_valid(file_id, timestamp, nonce, sign, self._key, now, self._ttl):
            raise Forbidden("Invalid or expired file signature.")
        async with self._uow() as uow:
            upload = await uow.uploads.get(file_id)
        if upload is None:
            raise NotFound("File not found.")
        return upload, await self._storage.load(upload.key)
