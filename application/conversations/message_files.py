"""The `files` of a chat or completion message: checked against the app's `file_upload` feature, resolved
into files, kept with the message (message_files), and, for a chat app, the images given to the model."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from application.files.image_parts import BuildImageParts
from application.files.resolve_files import ResolveFiles
from domain.apps.entities import App, EndUser
from domain.conversations.entities import MessageFile
from domain.files.entities import FileReader
from domain.files.upload_config import app_upload_config
from domain.models.entities import ImagePart
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class SentFiles:
    """What a message was sent with: the files in Dify's shape (a chatflow's `sys.files`), the images for the
    model, and the detail they go at."""

    files: tuple[dict[str, Any], ...] = ()
    images: tuple[ImagePart, ...] = ()
    detail: str = "high"
    reader: FileReader | None = field(default=None, compare=False)

    def records(self, message_id: UUID, ids: IdGenerator, at: datetime) -> list[MessageFile]:
        by = self.reader.user_id if self.reader else message_id
        return [
            MessageFile(
                id=ids.new_id(),
                message_id=message_id,
                type=str(f["type"]),
                transfer_method=str(f["transfer_method"]),
                # A microsecond apart, so the files list back in the order they were sent.
                created_by_role=self.reader.role if self.reader else "end_user",
                created_by=by,
                created_at=at + timedelta(microseconds=position),
                url=str(f.get("remote_url") or ""),
                upload_file_id=UUID(f["related_id"]) if f.get("related_id") else None,
                filename=str(f.get("filename") or ""),
                mime_type=str(f.get("mime_type") or ""),
                size=int(f.get("size") if isinstance(f.get("size"), int) else -1),
            )
            for position, f in enumerate(self.files)
        ]


class PrepareSentFiles:
    """Rules (Dify's): with the app's file upload off, a request's files are ignored; with it on, each file
    must be an allowed type, extension and transfer method, within the count limits (InvalidParam on `files`
    otherwise, before anything is stored); local uploads must be the sender's own or the app owner's. Images
    go to the model (`with_images`) at the feature's detail."""

    def __init__(self, resolve: ResolveFiles, images: BuildImageParts) -> None:
        self._resolve = resolve
        self._images = images

    async def execute(
        self,
        app: App,
        end_user: EndUser,
        file_upload: Mapping[str, Any] | None,
        mappings: Sequence[Any],
        with_images: bool = True,
    ) -> SentFiles:
        config = app_upload_config(file_upload)
        if config is None or not mappings:
            return SentFiles()
        if not isinstance(mappings, Sequence) or isinstance(mappings, str):
            raise InvalidParam("files must be a list of files", param="files")
        reader = FileReader(app.tenant_id, app.created_by, "end_user", end_user.id)
        files = await self._resolve.many(list(mappings), config, reader, "files")
        images = await self._images.execute(files, config.image_detail, reader) if with_images else ()
        return SentFiles(tuple(files), images, config.image_detail, reader)
