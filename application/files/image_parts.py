"""The images among a run's or a message's files, as content parts a vision model reads: local uploads as
base64 data URLs (read from file storage), remote files as their URL (the provider fetches it)."""

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from application.files.file_content import LoadFileContent
from domain.files.entities import FileReader
from domain.files.file_types import FileType, TransferMethod
from domain.models.entities import ImagePart


class BuildImageParts:
    """Rules: only files of type image become parts (documents, audio and video are left to other nodes);
    `detail` is "low" or "high" (anything else is high); a local image the reader may not read raises
    FileUnavailable, as its bytes would."""

    def __init__(self, files: LoadFileContent) -> None:
        self._files = files

    async def execute(self, files: Iterable[Any], detail: str, reader: FileReader | None) -> tuple[ImagePart, ...]:
        detail = detail if detail in ("low", "high") else "high"
        parts = []
        for file in files:
            if not isinstance(file, Mapping) or file.get("type") != FileType.IMAGE:
                continue
            if file.get("transfer_method") == TransferMethod.REMOTE_URL and not file.get("related_id"):
                parts.append(ImagePart(str(file.get("remote_url") or file.get("url")), detail))
                continue
            data, _, mime_type = await self._files.load(file, reader)
            url = f"data:{mime_type or 'image/png'};base64,{base64.b64encode(data).decode()}"
            parts.append(ImagePart(url, detail))
        return tuple(parts)
