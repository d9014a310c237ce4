"""Turns a request's file mappings into files in Dify's shape, at the edge (before anything is stored)."""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.files.entities import FileReader
from domain.files.file_types import TransferMethod
from domain.files.ports import FileUrls
from domain.files.upload_config import FileUploadConfig, variable_upload_config
from domain.files.workflow_files import FileMapping, file_dict, remote_file_info
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory


class ResolveFiles:
    """Rules (Dify's file factory): `local_file` names an upload the reader may read (its own, or the app
    owner's; anything else is "Invalid upload file", as if it did not exist); `remote_url` needs an http(s)
    URL, whose name and type come from its path: its bytes are fetched only when a node needs them (through
    the SSRF guard); `tool_file` names a tool's output (stored as an upload of its caller; anything else is
    "not found"). Each file must pass its config ("File validation failed for file: NAME"), a list its count
    limits. Errors are InvalidParam naming the variable (or `files`). An upload named by a request is marked
    used, so the orphan reaper (UPLOAD_FILE_ORPHAN_HOURS) never deletes a file a run or message refers to."""

    def __init__(self, uow: UnitOfWorkFactory, urls: FileUrls) -> None:
        self._uow = uow
        self._urls = urls

    async def one(self, raw: Any, config: FileUploadConfig, reader: FileReader, param: str) -> dict[str, Any]:
        mapping = FileMapping.parse(raw, param)
        match mapping.method:
            # A tool's output is stored as an upload of its caller (application/tools/tool_files.py).
            case TransferMethod.TOOL_FILE:
                try:
                    file = await self._local(mapping, reader, param)
                except InvalidParam:
                    raise InvalidParam(f"ToolFile {mapping.upload_file_id} not found", param=param) from None
            # A link the web client first copied into an upload names that upload (Dify reads it as one).
            case TransferMethod.LOCAL_FILE | TransferMethod.REMOTE_URL if mapping.upload_file_id:
                file = await self._local(mapping, reader, param)
            case TransferMethod.LOCAL_FILE:
                raise InvalidParam("Invalid upload file id", param=param)
            case TransferMethod.REMOTE_URL:
                file = self._remote(mapping, reader, param)
            case _:
                raise InvalidParam(f"ToolFile {mapping.upload_file_id} not found", param=param)
        if not config.accepts(mapping.declared_type, file["extension"], mapping.method, file["mime_type"]):
            raise InvalidParam(f"File validation failed for file: {file['filename']}", param=param)
        return file

    async def many(
        self, raws: Sequence[Any], config: FileUploadConfig, reader: FileReader, param: str
    ) -> list[dict[str, Any]]:
        files = [await self.one(raw, config, reader, param) for raw in raws if raw]
        config.check_count(files)
        return files

    async def inputs(
        self, form: Sequence[Mapping[str, Any]], inputs: Mapping[str, Any], reader: FileReader
    ) -> dict[str, Any]:
        """The inputs with each `file` / `file-list` variable's mappings resolved (the form already checked
        their shape: a mapping, a list of mappings, at most `max_length` of them)."""
        resolved = dict(inputs)
        for entry in form:
            ((kind, spec),) = entry.items() if isinstance(entry, Mapping) and len(entry) == 1 else ((None, None),)
            if kind not in ("file", "file-list") or not isinstance(spec, Mapping):
                continue
            name = str(spec.get("variable") or "")
            value = resolved.get(name)
            if value is None:
                continue
            config = variable_upload_config(spec)
            if kind == "file":
                resolved[name] = await self.one(value, config, reader, name)
            else:
                resolved[name] = await self.many(value, config, reader, name)
        return resolved

    async def _local(self, mapping: FileMapping, reader: FileReader, param: str) -> dict[str, Any]:
        try:
            file_id = UUID(mapping.upload_file_id or "")
        except ValueError:
            raise InvalidParam("Invalid upload file id format", param=param) from None
        async with self._uow() as uow:
            upload = await uow.uploads.get(file_id)
            if upload is None or not upload.readable_by(reader):
                raise InvalidParam("Invalid upload file", param=param)
            await uow.uploads.mark_used(upload.id, reader.user_id)  # referenced now: the orphan reaper keeps it
            await uow.commit()
        extension = f".{upload.extension}" if upload.extension else ""
        url = self._urls.signed_url(upload.id)
        return file_dict(
            tenant_id=str(reader.tenant_id),
            declared_type=mapping.declared_type,
            method=mapping.method,
            filename=upload.name,
            extension=extension,
            mime_type=upload.mime_type,
            size=upload.size,
            url=url,
            remote_url=url if mapping.method == TransferMethod.REMOTE_URL else None,
            related_id=str(upload.id),
            mapping_id=mapping.mapping_id,
        )

    def _remote(self, mapping: FileMapping, reader: FileReader, param: str) -> dict[str, Any]:
        url = mapping.url or ""
        if not url.lower().startswith(("http://", "https://")):
            raise InvalidParam("Invalid file url", param=param)
        filename, extension, mime_type = remote_file_info(url)
        return file_dict(
            tenant_id=str(reader.tenant_id),
            declared_type=mapping.declared_type,
            method=mapping.method,
            filename=filename,
            extension=extension,
            mime_type=mime_type,
            size=-1,
            url=url,
            remote_url=url,
            mapping_id=mapping.mapping_id,
        )
