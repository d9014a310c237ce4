"""Starts a CSV import of chunks into a document (Dify's segment batch import): checked whole at once, stored,
then added in the background (RunSegmentImport)."""

import csv
import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.knowledge.guards import Actor, load_document
from domain.files.ports import FileStorage
from domain.knowledge.document import DocForm, IndexingStatus
from domain.knowledge.errors import DocumentDisabled, DocumentNotCompleted
from domain.knowledge.segment_import import SegmentImportJob, SegmentImportQueue
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ImportSegmentsRequest:
    actor: Actor
    dataset_id: UUID
    document_id: UUID
    upload_file_id: object


def parse_rows(data: bytes, qa: bool) -> list[dict[str, Any]]:
    """Dify's template: a header row, then the chunk's content in the first column (and, for a Q&A document,
    its answer in the second). Blank rows are skipped; any other row without them is refused by its number."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidParam("The CSV file must be UTF-8 text.", param="upload_file_id") from error
    try:
        rows = list(csv.reader(io.StringIO(text)))[1:]
    except csv.Error as error:
        raise InvalidParam(f"The CSV file cannot be read: {error}", param="upload_file_id") from error
    parsed = []
    for number, row in enumerate(rows, start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if not cells[0] or (qa and (len(cells) < 2 or not cells[1])):
            what = "a question and an answer" if qa else "content"
            raise InvalidParam(f"Row {number} of the CSV file has no {what}.", param="upload_file_id")
        parsed.append({"content": cells[0], "answer": cells[1]} if qa else {"content": cells[0]})
    if not parsed:
        raise InvalidParam("The CSV file is empty.", param="upload_file_id")
    return parsed


class ImportSegments:
    """Rules: the document is the workspace's, completed and enabled (as for adding one chunk); the upload is
    the workspace's ("UploadFile not found.") and a .csv file; its rows are checked before anything is stored,
    so a bad file starts nothing; the job is stored `waiting`, then queued."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        knowledge: KnowledgeUnitOfWorkFactory,
        storage: FileStorage,
        queue: SegmentImportQueue,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow, self._knowledge, self._storage = uow, knowledge, storage
        self._queue, self._clock, self._ids = queue, clock, ids

    async def execute(self, request: ImportSegmentsRequest) -> SegmentImportJob:
        tenant_id = request.actor.tenant_id
        async with self._knowledge() as uow:
            document = await load_document(uow, tenant_id, request.dataset_id, request.document_id)
        if document.indexing_status is not IndexingStatus.COMPLETED:
            raise DocumentNotCompleted()
        if not document.enabled:
            raise DocumentDisabled()
        data = await self._csv(tenant_id, request.upload_file_id)
        rows = parse_rows(data, document.doc_form == DocForm.QA)
        job = SegmentImportJob(
            id=self._ids.new_id(),
            tenant_id=tenant_id,
            dataset_id=document.dataset_id,
            document_id=document.id,
            account_id=request.actor.account_id,
            created_at=self._clock.now(),
            rows=rows,
            total=len(rows),
        )
        async with self._knowledge() as uow:
            await uow.segment_imports.add(job)
            await uow.commit()
        await self._queue.enqueue(job.id)
        return job

    async def _csv(self, tenant_id: UUID, upload_file_id: object) -> bytes:
        if not isinstance(upload_file_id, str) or not upload_file_id:
            raise InvalidParam("upload_file_id is required.", param="upload_file_id")
        try:
            file_id = UUID(upload_file_id)
        except ValueError:
            raise NotFound("UploadFile not found.") from None
        async with self._uow() as uow:
            upload = await uow.uploads.get(file_id)
        if upload is None or upload.tenant_id != tenant_id:
            raise NotFound("UploadFile not found.")
        if not upload.name.lower().endswith(".csv"):
            raise InvalidParam("Invalid file type. Only CSV files are allowed", param="upload_file_id")
        try:
            return await self._storage.load(upload.key)
        except FileNotFoundError:
            raise NotFound("UploadFile not found.") from None
