from uuid import UUID

from application.workflows.app_dsl import AppOverrides, ExportAppDsl, ImportAppDsl, ImportResult
from domain.shared.errors import InvalidParam


class CopyApp:
    """Duplicates an app of the workspace: what its DSL export holds (draft workflow or model config, features),
    under a new id, with the name and icon the caller gives (else the original's).

    Rules: the original must be in the caller's workspace (404); the copy is a new app, never published (its
    draft is the original's draft, finished or not); nothing is stored when the copy fails.
    """

    def __init__(self, exporter: ExportAppDsl, importer: ImportAppDsl) -> None:
        self._exporter = exporter
        self._importer = importer

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, overrides: AppOverrides) -> ImportResult:
        document = await self._exporter.execute(tenant_id, app_id)
        result = await self._importer.execute(
            tenant_id, account_id, document, overrides=overrides, validate_graph=False
        )
        if result.app_id is None:
            raise InvalidParam(result.error or "The app could not be copied.")
        return result
