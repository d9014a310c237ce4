import asyncio
import io
import zipfile
from collections.abc import Sequence
from pathlib import PurePosixPath
from uuid import UUID

from application.knowledge.guards import load_dataset
from domain.knowledge.errors import DocumentNotFound
from domain.knowledge.services import FileStore
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import InvalidParam, NotFound

MAX_DOCUMENTS = 100
ONLY_FILES = "Only uploaded-file documents can be downloaded as ZIP."


def unique_names(names: Sequence[str]) -> list[str]:
    """Each name once in the archive: a repeated `a.pdf` becomes `a (2).pdf`, `a (3).pdf`…"""
    seen: set[str] = set()
    unique = []
    for name in names:
        path = PurePosixPath(PurePosixPath(name).name or "file")
        candidate, n = str(path), 1
        while candidate in seen:
            n += 1
            candidate = f"{path.stem} ({n}){path.suffix}"
        seen.add(candidate)
        unique.append(candidate)
    return unique


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


class ZipDocuments:
    """The original files of some documents of a dataset, as one ZIP archive.

    Rules: 1 to 100 distinct document ids; each must be a document of this dataset of this workspace (not found
    otherwise) made from an uploaded file; nothing is sent unless every file is there."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, files: FileStore) -> None:
        self._uow = uow
        self._files = files

    async def execute(self, tenant_id: UUID, dataset_id: UUID, document_ids: Sequence[UUID]) -> bytes:
        ids = list(dict.fromkeys(document_ids))
        if not 1 <= len(ids) <= MAX_DOCUMENTS:
            raise InvalidParam(f"document_ids must list 1 to {MAX_DOCUMENTS} documents.", param="document_ids")
        uploads = []
        async with self._uow() as uow:
            await load_dataset(uow, tenant_id, dataset_id)
            for document_id in ids:
                document = await uow.documents.get(dataset_id, document_id)
                if document is None:
                    raise DocumentNotFound()
                upload = await uow.documents.upload(UUID(document.upload_file_id)) if document.upload_file_id else None
                if upload is None or upload.tenant_id != tenant_id:
                    raise NotFound(ONLY_FILES)
                uploads.append(upload)
        try:
            contents = [await self._files.load(u.key) for u in uploads]
        except FileNotFoundError:
            raise NotFound("Uploaded file not found.") from None
        names = unique_names([u.name for u in uploads])
        return await asyncio.to_thread(_zip, list(zip(names, contents, strict=True)))
