from uuid import UUID

from domain.knowledge.errors import SegmentImportNotFound
from domain.knowledge.segment_import import SegmentImportJob
from domain.knowledge.unit_of_work import KnowledgeUnitOfWorkFactory


class GetSegmentImport:
    """A chunk CSV import of the workspace, by id (and its dataset and document when named): "The job does not
    exist." for another's."""

    def __init__(self, uow: KnowledgeUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, job_id: UUID, dataset_id: UUID | None = None, document_id: UUID | None = None
    ) -> SegmentImportJob:
        async with self._uow() as uow:
            job = await uow.segment_imports.get(job_id)
        if job is None or job.tenant_id != tenant_id or dataset_id not in (None, job.dataset_id):
            raise SegmentImportNotFound()
        if document_id not in (None, job.document_id):
            raise SegmentImportNotFound()
        return job
