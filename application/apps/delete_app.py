import logging
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import TokenType
from domain.apps.ports import CallerCache, NoCallerCache
from domain.maintenance.ports import AppPurgeQueue
from domain.shared.clock import Clock
from domain.shared.errors import StoreUnavailable
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.telemetry.points import app_event_points
from domain.telemetry.ports import MetricsSink

logger = logging.getLogger(__name__)


class DeleteApp:
    """Deletes an app at once for every reader; its data is removed afterwards on the app_deletion queue.

    Rules: in one transaction the app is marked deleted (gone from lists and lookups) and its API keys
    are removed (they answer 401 at once); then the purge is enqueued. If the queue is down the
    deletion still stands: the reaper re-enqueues the purge of deleted apps that make no progress.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        metrics: MetricsSink,
        clock: Clock,
        purge_queue: AppPurgeQueue,
        cache: CallerCache | None = None,
    ) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()
        self._metrics = metrics
        self._clock = clock
        self._purge_queue = purge_queue

    async def execute(self, tenant_id: UUID, app_id: UUID) -> None:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            app.mark_deleted(self._clock.now())
            await uow.apps.update(app)
            for key in await uow.api_tokens.list_for(tenant_id, TokenType.APP, app_id):
                await uow.api_tokens.delete(key.id)
            await uow.commit()
        await self._cache.forget_app(app_id)
        self._metrics.emit(app_event_points("deleted", tenant_id, app_id))
        try:
            await self._purge_queue.purge_app(app_id)
        except StoreUnavailable:
            logger.warning("app %s deleted; its data purge could not be enqueued (the reaper will)", app_id)
