from typing import Protocol
from uuid import UUID

from domain.files.entities import UploadFile


class FileStorage(Protocol):
    """Stores file bytes under a key. Contract: `save` then `load` returns the same bytes; keys are paths
    made of safe segments (weir builds them); a missing key raises FileNotFoundError."""

    async def save(self, key: str, data: bytes) -> None: ...

    async def load(self, key: str) -> bytes: ...

    async def delete(self, key: str) -> None: ...


class UploadFileRepository(Protocol):
    async def add(self, upload: UploadFile) -> None: ...

    async def get(self, file_id: UUID) -> UploadFile | None: ...

    async def mark_used(self, file_id: UUID, used_by: UUID) -> None:
        """Records that a message or run refers to the upload (now), so the orphan reaper keeps it."""


class FileUrls(Protocol):
    """Signed, expiring URLs of uploaded files (the `url` of a local file in a run's variables, of a
    message's files). Contract: the URL reads the file until FILES_ACCESS_TIMEOUT passes; raises nothing."""

    def signed_url(self, file_id: UUID) -> str: ...
