"""The bytes of a file a run or a message holds: read from file storage, or fetched from its URL (lazily:
only when a node needs them, through the SSRF-guarded HTTP client, with the upload size limits)."""

import asyncio
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.files.entities import MB, FileReader, UploadLimits
from domain.files.file_types import TransferMethod
from domain.files.ports import FileStorage
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.http import HttpClient, HttpRequestFailed, HttpRequestRefused, HttpTimeouts, OutgoingRequest

# The HTTP client's timeouts bound each connect, read and write, not the whole answer: a server that sends a
# byte every few seconds would hold a node (an http-request sending the file, a document extractor) until the
# run's own limit. A fetch gets this long in all.
FETCH_DEADLINE_SECONDS = 90.0


class FileUnavailable(DomainError):
    default_message = "File not found."


def file_id_of(value: Any) -> UUID | None:
    """An uploaded file's id: a file dict's `related_id` (or a mapping's `upload_file_id` / `id`), or a bare id."""
    raw = (
        value.get("related_id") or value.get("upload_file_id") or value.get("id")
        if isinstance(value, Mapping)
        else value
    )
    try:
        return UUID(str(raw)) if raw else None
    except ValueError:
        return None


class LoadFileContent:
    """Rules: a local file is read only if `reader` may read it (UploadFile.readable_by), whatever dict a node
    made up; a remote one is fetched with GET through the HTTP client (private targets refused unless
    allow-listed), given `fetch_deadline` seconds in all, and refused past the upload limit of its type; a
    failure raises FileUnavailable with why."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: FileStorage,
        http: HttpClient,
        limits: UploadLimits,
        fetch_deadline: float = FETCH_DEADLINE_SECONDS,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._http = http
        self._limits = limits
        self._fetch_deadline = fetch_deadline

    async def load(self, file: Any, reader: FileReader | None) -> tuple[bytes, str, str]:
        """(bytes, extension without its dot, MIME type)."""
        if (
            isinstance(file, Mapping)
            and file.get("transfer_method") == TransferMethod.REMOTE_URL
            and not (file.get("related_id") or file.get("upload_file_id"))
        ):
            return await self._fetch(file)
        file_id = file_id_of(file)
        if file_id is None:
            raise FileUnavailable("The value is not a file (an uploaded file's id).")
        async with self._uow() as uow:
            upload = await uow.uploads.get(file_id)
        if upload is None or reader is None or not upload.readable_by(reader):
            raise FileUnavailable(f"File {file_id} not found.")
        try:
            return await self._storage.load(upload.key), upload.extension, upload.mime_type
        except FileNotFoundError:
            raise FileUnavailable(f"File {file_id} not found.") from None

    async def _fetch(self, file: Mapping[str, Any]) -> tuple[bytes, str, str]:
        url = str(file.get("remote_url") or file.get("url") or "")
        extension = str(file.get("extension") or "").lstrip(".").lower()
        try:
            async with asyncio.timeout(self._fetch_deadline):
                response = await self._http.send(OutgoingRequest("GET", url, timeouts=HttpTimeouts(10.0, 60.0, 20.0)))
        except (HttpRequestRefused, HttpRequestFailed) as error:
            raise FileUnavailable(f"Could not fetch {url}: {error.message}") from None
        except TimeoutError:
            raise FileUnavailable(f"Could not fetch {url}: no full answer in {self._fetch_deadline:g} s") from None
        if response.status_code != 200:
            raise FileUnavailable(f"Could not fetch {url}: HTTP {response.status_code}")
        limit = self._limits.max_bytes(extension)
        if len(response.body) > limit:
            raise FileUnavailable(f"File size exceeded. {len(response.body) / MB:.2f} MB > {limit // MB} MB")
        mime = str(file.get("mime_type") or "") or response.headers.get("content-type", "").split(";")[0].strip()
        return response.body, extension, mime
