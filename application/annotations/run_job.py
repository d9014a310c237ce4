import logging
from uuid import UUID

from application.annotations.annotation_index import AnnotationIndex
from domain.annotations.entities import Annotation, AnnotationJob, AnnotationSetting, JobKind, JobStatus
from domain.annotations.ports import AnnotationUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import DomainError
from domain.shared.ids import IdGenerator

log = logging.getLogger("weir.annotations")


class RunAnnotationJob:
    """Runs a stored annotation job by id (a worker, or this process without Redis).

    Rules: enable drops the app's index, embeds every annotation's question with the chosen model and then
    stores the setting (reply is on once every question is indexed); disable drops the index and the
    setting; import adds the rows as annotations, indexed when reply is on. A job already finished is left
    alone (a redelivered message). A failure ends the job `error` with the reason, the setting unchanged."""

    def __init__(
        self, uow: AnnotationUnitOfWorkFactory, index: AnnotationIndex, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._index = index
        self._clock = clock
        self._ids = ids

    async def execute(self, job_id: UUID) -> None:
        async with self._uow() as uow:
            job = await uow.jobs.get(job_id)
            if job is None or job.status in (JobStatus.COMPLETED, JobStatus.ERROR):
                return
            job.status = JobStatus.PROCESSING
            await uow.jobs.update(job)
            await uow.commit()
        try:
            await self._run(job)
            job.status = JobStatus.COMPLETED
        except DomainError as error:
            job.fail(error.message)
        except Exception as error:  # the job's status must say it failed, whatever broke
            log.exception("annotation job %s failed", job.id)
            job.fail(str(error) or type(error).__name__)
        if job.kind is JobKind.IMPORT and job.payload:
            job.payload = {**job.payload, "rows": len(job.payload.get("rows") or [])}  # the rows are done with
        async with self._uow() as uow:
            await uow.jobs.update(job)
            await uow.commit()

    async def _run(self, job: AnnotationJob) -> None:
        payload = job.payload or {}
        tenant_id = UUID(payload["tenant_id"])
        if job.kind is JobKind.DISABLE:
            await self._index.drop(job.app_id)
            async with self._uow() as uow:
                await uow.settings.delete(job.app_id)
                await uow.commit()
        elif job.kind is JobKind.ENABLE:
            await self._enable(job, tenant_id, payload)
        else:
            await self._import(job, tenant_id, payload)

    async def _enable(self, job: AnnotationJob, tenant_id: UUID, payload: dict) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            existing = await uow.settings.get(job.app_id)
            annotations = await uow.annotations.all(job.app_id)
        setting = AnnotationSetting(
            id=existing.id if existing else self._ids.new_id(),
            app_id=job.app_id,
            score_threshold=float(payload["score_threshold"]),
            embedding_provider=payload["embedding_provider_name"],
            embedding_model=payload["embedding_model_name"],
            created_at=existing.created_at if existing else now,
            updated_at=now,
        )
        await self._index.drop(job.app_id)
        await self._index.add(tenant_id, setting, annotations)
        async with self._uow() as uow:
            await uow.settings.save(setting)
            await uow.commit()

    async def _import(self, job: AnnotationJob, tenant_id: UUID, payload: dict) -> None:
        now = self._clock.now()
        account = payload.get("account_id")
        annotations = [
            Annotation(
                id=self._ids.new_id(),
                app_id=job.app_id,
                question=q,
                content=a,
                account_id=UUID(account) if account else None,
                created_at=now,
                updated_at=now,
            )
            for q, a in payload.get("rows") or []
        ]
        async with self._uow() as uow:
            for annotation in annotations:
                await uow.annotations.add(annotation)
            setting = await uow.settings.get(job.app_id)
            await uow.commit()
        if setting is not None:
            await self._index.add(tenant_id, setting, annotations)
