"""Runs a stored chunk CSV import: its rows added through CreateSegments, a slice at a time."""

import logging
from uuid import UUID

from application.knowledge.create_segments import CreateSegments, CreateSegmentsRequest
from application.knowledge.guards import Actor
from domain.knowledge.segment_import import ImportStatus, SegmentImportJob
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory
from domain.shared.errors import DomainError

log = logging.getLogger("weir.knowledge")

SLICE = 100  # rows added (and indexed) per CreateSegments call; the job's count moves after each


class RunSegmentImport:
    """Rules: each slice of rows is added as the console adds chunks (CreateSegments: the document still
    completed and enabled, the chunks indexed); `imported` is stored after each slice, so a job picked up again
    goes on after the rows already added; a job already ended is left alone; a failure ends it `error` with
    the reason (the slices before it stay added, as Dify's rows before a failure do not)."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory, create_segments: CreateSegments) -> None:
        self._uow = uow
        self._create = create_segments

    async def execute(self, job_id: UUID) -> None:
        async with self._uow() as uow:
            job = await uow.segment_imports.get(job_id)
            if job is None or job.finished:
                return
            job.status = ImportStatus.PROCESSING
            await uow.segment_imports.update(job)
            await uow.commit()
        try:
            await self._add(job)
            job.end()
        except DomainError as error:
            job.end(error.message)
        except Exception as error:  # the job's status must say it failed, whatever broke
            log.exception("segment import %s failed", job.id)
            job.end(str(error) or type(error).__name__)
        await self._save(job)

    async def _add(self, job: SegmentImportJob) -> None:
        actor = Actor(job.tenant_id, job.account_id)
        while job.imported < len(job.rows):
            rows = job.rows[job.imported : job.imported + SLICE]
            await self._create.execute(CreateSegmentsRequest(actor, job.dataset_id, job.document_id, rows))
            job.imported += len(rows)
            await self._save(job)

    async def _save(self, job: SegmentImportJob) -> None:
        async with self._uow() as uow:
            await uow.segment_imports.update(job)
            await uow.commit()
