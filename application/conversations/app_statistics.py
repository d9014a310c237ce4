from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.conversations.statistics import StatisticWindow, metric_row
from domain.shared.unit_of_work import UnitOfWorkFactory


class GetAppStatistics:
    """One chart of an app's monitoring page: a row per day with messages in the window.
    Rules: the app must be in the caller's workspace (AppNotFound otherwise); debugger messages do not count."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID, metric: str, window: StatisticWindow) -> list[dict]:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            if metric == "average-session-interactions":
                days = await uow.app_statistics.interactions(app.id, window)
                return [{"date": d.day.isoformat(), "interactions": round(d.interactions, 2)} for d in days]
            return [metric_row(metric, day) for day in await uow.app_statistics.daily(app.id, window)]
