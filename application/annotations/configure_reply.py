from dataclasses import dataclass

from domain.annotations.entities import AnnotationJob, JobKind, JobStatus
from domain.annotations.ports import AnnotationJobQueue, AnnotationUnitOfWorkFactory
from domain.apps.entities import App
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator


@dataclass(frozen=True, slots=True)
class ReplySettings:
    score_threshold: float
    embedding_provider_name: str
    embedding_model_name: str


class ConfigureAnnotationReply:
    """Starts turning an app's annotation reply on (`enable`) or off (`disable`) in the background.

    Rules: the action is enable or disable; while a reply job of the app is waiting or processing, asking
    again answers that job (status `processing`) instead of starting another (Dify); the job is stored
    `waiting` before it is queued, so its status can be read at once."""

    def __init__(
        self, uow: AnnotationUnitOfWorkFactory, queue: AnnotationJobQueue, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._queue = queue
        self._clock = clock
        self._ids = ids

    async def execute(self, app: App, action: str, settings: ReplySettings) -> AnnotationJob:
        if action not in (JobKind.ENABLE, JobKind.DISABLE):
            raise InvalidParam("Unsupported annotation reply action", param="action")
        async with self._uow() as uow:
            running = await uow.jobs.unfinished(app.id)
            if running is not None:
                running.status = JobStatus.PROCESSING
                return running
            job = AnnotationJob(
                id=self._ids.new_id(),
                app_id=app.id,
                kind=JobKind(action),
                created_at=self._clock.now(),
                payload={
                    "tenant_id": str(app.tenant_id),
                    "score_threshold": settings.score_threshold,
                    "embedding_provider_name": settings.embedding_provider_name,
                    "embedding_model_name": settings.embedding_model_name,
                },
            )
            await uow.jobs.add(job)
            await uow.commit()
        await self._queue.enqueue(job.id)
        return job
