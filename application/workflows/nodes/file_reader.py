"""Who a run reads uploaded files for: its creator (the end user, or the account of a console run), within
its app (UploadFile.readable_by decides)."""

from uuid import UUID

from domain.files.entities import FileReader
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.nodes import NodeFailed, RunContext


async def run_file_reader(uow_factory: UnitOfWorkFactory, run: RunContext) -> FileReader | None:
    async with uow_factory() as uow:
        stored = await uow.workflow_runs.get(run.run_id)
        app = await uow.apps.get(run.app_id)
    if stored is None or app is None or app.tenant_id != run.tenant_id:
        return None
    return FileReader(app.tenant_id, app.created_by, stored.created_by_role, stored.created_by)


async def run_file_owner(uow_factory: UnitOfWorkFactory, run_id: UUID, app_id: UUID) -> tuple[UUID, str]:
    """Who files a run makes (tool files, an http-request's file answer) belong to: the run's creator (end user
    or account), else the app's owner."""
    async with uow_factory() as uow:
        stored = await uow.workflow_runs.get(run_id)
        app = await uow.apps.get(app_id) if stored is None else None
    if stored is not None:
        return stored.created_by, stored.created_by_role
    if app is None:
        raise NodeFailed("The run's app no longer exists.")
    return app.created_by, "account"
