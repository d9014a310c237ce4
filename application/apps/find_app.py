from uuid import UUID

from domain.apps.entities import App
from domain.apps.errors import AppNotFound
from domain.shared.unit_of_work import UnitOfWork


async def app_in_tenant(uow: UnitOfWork, tenant_id: UUID, app_id: UUID) -> App:
    """The app, if it belongs to this tenant; another tenant's app is reported as missing."""
    app = await uow.apps.get(app_id)
    if app is None or app.tenant_id != tenant_id:
        raise AppNotFound()
    return app
