from uuid import UUID

from domain.annotations.entities import AnnotationJob, AnnotationSetting
from domain.annotations.errors import AnnotationJobNotFound, AnnotationSettingNotFound
from domain.annotations.ports import AnnotationUnitOfWorkFactory
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam


class GetAnnotationJob:
    """A job's status. Rules: the job must be the app's and of the asked kind (enable, disable or import)."""

    def __init__(self, uow: AnnotationUnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, app_id: UUID, kind: str, job_id: UUID) -> AnnotationJob:
        async with self._uow() as uow:
            job = await uow.jobs.get(job_id)
        if job is None or job.app_id != app_id or job.kind.value != kind:
            raise AnnotationJobNotFound()
        return job


class AnnotationReplySetting:
    """Reads the app's annotation-reply setting (None: reply is off) and changes its score threshold.

    Rules: the threshold is a number from 0 to 1; the setting id must be the app's."""

    def __init__(self, uow: AnnotationUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, app_id: UUID) -> AnnotationSetting | None:
        async with self._uow() as uow:
            return await uow.settings.get(app_id)

    async def set_threshold(self, app_id: UUID, setting_id: UUID, threshold: object) -> AnnotationSetting:
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
            raise InvalidParam("score_threshold must be a number from 0 to 1", param="score_threshold")
        async with self._uow() as uow:
            setting = await uow.settings.get(app_id)
            if setting is None or setting.id != setting_id:
                raise AnnotationSettingNotFound()
            setting.score_threshold = float(threshold)
            setting.updated_at = self._clock.now()
            await uow.settings.save(setting)
            await uow.commit()
        return setting
