"""Files a tool produced (blobs: a docx, a speech clip, a chart), stored so later nodes and the end user can
read them: an upload row plus its bytes, shown in Dify's file shape with `transfer_method: tool_file`."""

import hashlib
import mimetypes
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from domain.files.entities import UploadFile
from domain.files.ports import FileStorage
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import MessageType, ToolMessage

_FILE_MESSAGES = (MessageType.BLOB, MessageType.IMAGE, MessageType.FILE)


def file_kind(mime_type: str) -> str:
    major = mime_type.split("/", 1)[0]
    return {"image": "image", "audio": "audio", "video": "video"}.get(major, "document")


def tool_file_mapping(upload: UploadFile) -> dict[str, Any]:
    return {
        "dify_model_identity": "__dify__file__",
        "id": str(upload.id),
        "tenant_id": str(upload.tenant_id),
        "type": file_kind(upload.mime_type),
        "transfer_method": "tool_file",
        "remote_url": None,
        "related_id": str(upload.id),
        "filename": upload.name,
        "extension": f".{upload.extension}",
        "mime_type": upload.mime_type,
        "size": upload.size,
        "url": None,
    }


class StoreToolFiles:
    """Rules: each blob becomes one stored file owned by whoever the call ran for (so the run's reader and
    the signed preview URL find it); a `file` message that already names a file passes through; bytes are
    written before the row, and a failed row removes them."""

    def __init__(self, uow: UnitOfWorkFactory, storage: FileStorage, clock: Clock, ids: IdGenerator) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock
        self._ids = ids

    async def execute(
        self, messages: Sequence[ToolMessage], tenant_id: UUID, owner: UUID, owner_role: str
    ) -> list[dict[str, Any]]:
        files: list[dict[str, Any]] = []
        for message in messages:
            if message.type not in _FILE_MESSAGES:
                continue
            if message.file is not None:
                files.append(dict(message.file))
            elif message.blob:
                files.append(tool_file_mapping(await self._store(message, tenant_id, owner, owner_role)))
        return files

    async def _store(self, message: ToolMessage, tenant_id: UUID, owner: UUID, role: str) -> UploadFile:
        mime_type = message.mime_type or "application/octet-stream"
        extension = (mimetypes.guess_extension(mime_type) or ".bin").lstrip(".")
        file_id = self._ids.new_id()
        name = message.filename or f"{file_id}.{extension}"
        if "." in name:
            extension = name.rsplit(".", 1)[-1].lower()
        key = f"tools/{tenant_id}/{file_id}.{extension}"
        await self._storage.save(key, message.blob)
        upload = UploadFile(
            id=file_id,
            tenant_id=tenant_id,
            key=key,
            name=name,
            size=len(message.blob),
            extension=extension,
            mime_type=mime_type,
            created_by=owner,
            created_by_role=role,
            created_at=self._clock.now(),
            hash=hashlib.sha3_256(message.blob).hexdigest(),
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
