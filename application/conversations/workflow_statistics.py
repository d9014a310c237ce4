from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.conversations.statistics import StatisticWindow, workflow_metric_row
from domain.shared.unit_of_work import UnitOfWorkFactory


class GetWorkflowStatistics:
    """One chart of a workflow app's monitoring page: a row per day with runs in the window.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise); the editor's test runs do not count."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID, metric: str, window: StatisticWindow) -> list[dict]:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            return [workflow_metric_row(metric, d) for d in await uow.app_statistics.workflow_daily(app.id, window)]
