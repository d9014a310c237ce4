"""The files a webhook call carried, stored as uploads before its run starts (Dify does the same): each becomes
the file object nodes see (`File.to_dict()`'s shape), kept in the run's `webhook_data.files`."""

from collections.abc import Mapping
from typing import Any

from application.files.resolve_files import ResolveFiles
from application.files.upload_file import UploadFileForApp
from domain.apps.entities import App
from domain.files.entities import FileReader
from domain.files.upload_config import FileUploadConfig
from domain.workflows.triggers import SentFile


class WebhookFiles:
    def __init__(self, uploads: UploadFileForApp, files: ResolveFiles) -> None:
        self._uploads = uploads
        self._files = files

    async def stored(self, app: App, sent: Mapping[str, SentFile]) -> dict[str, dict[str, Any]]:
        """Stores each file (the upload limits apply: too large or a refused type is InvalidParam, 400) as the app
        owner's, so both a published run (the trigger end user's) and an editor's test run (the debugger's) may
        read it."""
        reader = FileReader(app.tenant_id, app.created_by, "account", app.created_by)
        found: dict[str, dict[str, Any]] = {}
        for field, file in sent.items():
            upload = await self._uploads.store(app.tenant_id, app.created_by, "account", file.name, file.mime_type,
                                               file.data)
            mapping = {"type": "custom", "transfer_method": "local_file", "upload_file_id": str(upload.id)}
            found[field] = await self._files.one(mapping, FileUploadConfig(), reader, field)
        return found
