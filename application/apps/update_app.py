from dataclasses import dataclass
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import App
from domain.apps.ports import CallerCache, NoCallerCache
from domain.apps.rules import check_app_name, check_description, parse_icon_type
from domain.shared.clock import Clock
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.telemetry.points import app_event_points
from domain.telemetry.ports import MetricsSink


@dataclass(frozen=True, slots=True)
class UpdateAppRequest:
    tenant_id: UUID
    account_id: UUID
    app_id: UUID
    name: str | None
    description: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None
    use_icon_as_answer_icon: bool | None = None


class UpdateApp:
    """Renames an app and changes its look; the same rules as creation apply."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, metrics: MetricsSink, cache: CallerCache | None = None
    ) -> None:
        self._uow = uow
        self._cache = cache or NoCallerCache()
        self._metrics = metrics
        self._clock = clock

    async def execute(self, request: UpdateAppRequest) -> App:
        name = check_app_name(request.name)
        description = check_description(request.description)
        async with self._uow() as uow:
            app = await app_in_tenant(uow, request.tenant_id, request.app_id)
            app.rename(name, description, self._clock.now(), request.account_id)
            if request.icon_type is not None:
                app.icon_type = parse_icon_type(request.icon_type)
            if request.icon is not None:
                app.icon = request.icon
            if request.icon_background is not None:
                app.icon_background = request.icon_background
            if request.use_icon_as_answer_icon is not None:
                app.use_icon_as_answer_icon = request.use_icon_as_answer_icon
            await uow.apps.update(app)
            await uow.commit()
        await self._cache.forget_app(app.id)
        self._metrics.emit(app_event_points("updated", app.tenant_id, app.id))
        return app
