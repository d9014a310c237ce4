from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.shared.unit_of_work import UnitOfWork
from domain.telemetry.points import app_event_points
from domain.telemetry.ports import MetricsSink


class DeleteApp:
    """Removes an app with its API keys and end users; its keys stop working at once."""

    def __init__(self, uow: UnitOfWork, metrics: MetricsSink) -> None:
        self._uow = uow
        self._metrics = metrics

    async def execute(self, tenant_id: UUID, app_id: UUID) -> None:
        async with self._uow as uow:
            await app_in_tenant(uow, tenant_id, app_id)
            await uow.apps.delete(app_id)
            await uow.commit()
        self._metrics.emit(app_event_points("deleted", tenant_id, app_id))
