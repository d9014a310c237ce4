from dataclasses import dataclass
from uuid import UUID

from domain.apps.entities import App
from domain.apps.rules import check_app_name, check_description, parse_icon_type, parse_mode
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.telemetry.points import app_event_points
from domain.telemetry.ports import MetricsSink


@dataclass(frozen=True, slots=True)
class CreateAppRequest:
    tenant_id: UUID
    account_id: UUID
    name: str | None
    mode: str | None
    description: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None


class CreateApp:
    """Creates an app in the caller's workspace.

    Rules: the mode is one of Dify's five; the name is 1-255 characters; the description at most 400.
    The Service API is enabled from the start, as in Dify.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, metrics: MetricsSink) -> None:
        self._uow = uow
        self._metrics = metrics
        self._clock = clock
        self._ids = ids

    async def execute(self, request: CreateAppRequest) -> App:
        now = self._clock.now()
        app = App(
            id=self._ids.new_id(),
            tenant_id=request.tenant_id,
            name=check_app_name(request.name),
            mode=parse_mode(request.mode),
            description=check_description(request.description),
            icon_type=parse_icon_type(request.icon_type),
            created_by=request.account_id,
            created_at=now,
            updated_at=now,
            updated_by=request.account_id,
        )
        if request.icon:
            app.icon = request.icon
        if request.icon_background:
            app.icon_background = request.icon_background
        async with self._uow() as uow:
            await uow.apps.add(app)
            await uow.commit()
        self._metrics.emit(app_event_points("created", app.tenant_id, app.id, app.mode.value))
        return app
