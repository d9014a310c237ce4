from dataclasses import dataclass
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.webapp.sites import add_site_and_install
from application.workflows.app_triggers import DraftWebhooks, PublishedTriggers
from domain.apps.entities import App, AppMode, IconType
from domain.apps.model_config import parse_model_config
from domain.apps.ports import CallerCache, NoCallerCache
from domain.apps.rules import check_app_name
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.dsl import (
    PENDING_IMPORT_SECONDS,
    ImportStatus,
    PendingImport,
    dsl_version,
    import_status,
    read_dsl,
    write_dsl,
)
from domain.workflows.entities import DRAFT, Workflow
from domain.workflows.graph import parse_graph
from domain.workflows.ports import DslCodec, PendingImports
from domain.workflows.triggers import check_triggers_allowed


@dataclass(frozen=True, slots=True)
class ImportResult:
    id: UUID
    status: str  # completed, completed-with-warnings, pending, failed (ImportStatus)
    app_id: UUID | None
    app_mode: str | None
    warnings: tuple[str, ...] = ()
    error: str = ""
    imported_dsl_version: str = ""


@dataclass(frozen=True, slots=True)
class AppOverrides:
    """What the importer (or a copy) sets instead of the document's own: unset fields keep the document's."""

    name: str | None = None
    description: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None


class ImportAppDsl:
    """Creates an app from Dify DSL YAML (its draft workflow or model config), or, given `app_id`, replaces a
    workflow or chatflow app's draft with the document's.

    Rules: kind app; the document's version decides as in Dify (`import_status`): a newer version, or an older
    major one, is not imported but kept for PENDING_IMPORT_SECONDS as a pending import for `ConfirmImport`
    (in the store every API process shares); an older minor version imports with warnings. The graph must
    parse; node types weir cannot run are reported by name (the import completes with warnings; runs reaching
    them fail); a bad document changes nothing and answers `failed` with the reason. The app to overwrite
    must be the workspace's, a workflow or chatflow, of the document's mode; its name, description and icon
    become the document's (or the overrides'), its published versions stay, its inspector values are cleared.
    `publish` also publishes the draft. `overrides` replace the document's name, description and icon (the
    console's import and copy dialogs); without `validate_graph` an unfinished draft is taken as it is (a copy
    of an app being built).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        codec: DslCodec,
        clock: Clock,
        ids: IdGenerator,
        supported: frozenset[str],
        pending: PendingImports,
        cache: CallerCache | None = None,
        webhooks: DraftWebhooks | None = None,
        triggers: PublishedTriggers | None = None,
    ):
        self._webhooks = webhooks
        self._triggers = triggers
        self._uow = uow
        self._codec = codec
        self._clock = clock
        self._ids = ids
        self._supported = supported
        self._pending = pending
        self._cache = cache or NoCallerCache()

    async def execute(
        self,
        tenant_id: UUID,
        account_id: UUID,
        yaml_content: str,
        publish: bool = False,
        overrides: AppOverrides | None = None,
        validate_graph: bool = True,
        app_id: UUID | None = None,
        confirmed: bool = False,
    ) -> ImportResult:
        """`confirmed`: the caller has already agreed to import whatever the version (the CLI's operator)."""
        import_id = self._ids.new_id()
        try:
            document = self._codec.load(yaml_content)
            version = dsl_version(document)
            status = import_status(version)
        except (ValueError, InvalidParam) as error:
            return ImportResult(import_id, ImportStatus.FAILED, None, None, error=str(error))
        if not document.get("app"):
            return ImportResult(import_id, ImportStatus.FAILED, None, None, error="Missing app data in YAML content")
        if app_id is not None:
            async with self._uow() as uow:
                target = await uow.apps.get(app_id)
            if target is None or target.tenant_id != tenant_id:
                return ImportResult(import_id, ImportStatus.FAILED, None, None, error="App not found")
            if target.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT):
                error = "Only workflow or advanced chat apps can be overwritten"
                return ImportResult(import_id, ImportStatus.FAILED, None, None, error=error)
        if status == ImportStatus.PENDING and confirmed:
            status = ImportStatus.COMPLETED  # as a confirmed pending import ends
        if status == ImportStatus.PENDING:
            given = overrides or AppOverrides()
            kept = PendingImport(
                id=import_id,
                tenant_id=tenant_id,
                account_id=account_id,
                yaml_content=yaml_content,
                overrides={k: getattr(given, k) for k in AppOverrides.__dataclass_fields__},
                app_id=app_id,
            )
            await self._pending.keep(kept, PENDING_IMPORT_SECONDS)
            return ImportResult(import_id, ImportStatus.PENDING, app_id, None, imported_dsl_version=version)
        return await self.write(
            import_id, tenant_id, account_id, document, status, publish, overrides, validate_graph, app_id
        )

    async def write(
        self,
        import_id: UUID,
        tenant_id: UUID,
        account_id: UUID,
        document: dict,
        status: str,
        publish: bool = False,
        overrides: AppOverrides | None = None,
        validate_graph: bool = True,
        app_id: UUID | None = None,
    ) -> ImportResult:
        """Stores what a readable document holds: a new app, or the draft of `app_id` (checked again here)."""
        given = overrides or AppOverrides()
        version = str(document.get("version") or "0.1.0")
        try:
            dsl = read_dsl(document, self._supported)
            if dsl.graph is not None and (validate_graph or publish):
                parse_graph(dsl.graph)
                check_triggers_allowed(dsl.mode, dsl.graph)
                if publish and self._triggers is not None:
                    self._triggers.check(dsl.graph)
        except (ValueError, InvalidParam) as error:
            return ImportResult(import_id, ImportStatus.FAILED, None, None, error=str(error))
        now = self._clock.now()
        async with self._uow() as uow:
            if app_id is None:
                app = App(
                    id=self._ids.new_id(),
                    tenant_id=tenant_id,
                    name=check_app_name(given.name or dsl.name),
                    mode=AppMode(dsl.mode),
                    description=dsl.description if given.description is None else given.description,
                    created_by=account_id,
                    created_at=now,
                    updated_at=now,
                    updated_by=account_id,
                )
            else:
                app = await uow.apps.get(app_id)
                if app is None or app.tenant_id != tenant_id:
                    return ImportResult(import_id, ImportStatus.FAILED, None, None, error="App not found")
                if app.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT) or app.mode.value != dsl.mode:
                    error = f"The DSL is of a {dsl.mode} app; this app is a {app.mode.value} app"
                    return ImportResult(import_id, ImportStatus.FAILED, None, None, error=error)
                app.name = check_app_name(given.name or dsl.name)
                app.description = dsl.description if given.description is None else given.description
                app.updated_at, app.updated_by = now, account_id
            if dsl.icon and len(dsl.icon) <= 255:
                app.icon, app.icon_type = dsl.icon, IconType.EMOJI
            if dsl.icon_background:
                app.icon_background = dsl.icon_background
            if given.icon and len(given.icon) <= 255:
                known = given.icon_type in {t.value for t in IconType}
                app.icon, app.icon_type = given.icon, IconType(given.icon_type) if known else IconType.EMOJI
            if given.icon_background:
                app.icon_background = given.icon_background
            if app_id is None:
                await uow.apps.add(app)
                await add_site_and_install(uow, app, self._ids.new_id())
            else:
                await uow.apps.update(app)
            if dsl.graph is not None:
                existing = await uow.workflows.draft(app.id) if app_id is not None else None
                draft = Workflow(
                    id=existing.id if existing else self._ids.new_id(),
                    tenant_id=tenant_id,
                    app_id=app.id,
                    type="workflow" if app.mode == AppMode.WORKFLOW else "chat",
                    version=DRAFT,
                    graph=dsl.graph,
                    created_by=account_id,
                    created_at=existing.created_at if existing else now,
                    updated_at=now,
                    features=dsl.features,
                    environment_variables=dsl.environment_variables,
                    conversation_variables=dsl.conversation_variables,
                )
                await uow.workflows.save_draft(draft)
                if self._webhooks is not None:
                    await self._webhooks.sync(uow, app, draft.graph)
                if app_id is not None:  # the old draft's run values do not belong to the new graph
                    await uow.workflow_runs.clear_inspector(app.id, "", "", now)
                if publish:
                    published = Workflow(
                        **{**draft.__dict__, "id": self._ids.new_id(), "version": now.strftime("%Y-%m-%d %H:%M:%S.%f")}
                    )
                    await uow.workflows.add_version(published)
                    if self._triggers is not None:
                        await self._triggers.sync(uow, app, published)
            elif dsl.model_config:
                await uow.model_configs.add(parse_model_config(app.id, self._ids.new_id(), dsl.model_config))
            await uow.commit()
        if app_id is not None:
            await self._cache.forget_app(app.id)  # its name and icon changed in every process
        if status == ImportStatus.COMPLETED and dsl.warnings:
            status = ImportStatus.WITH_WARNINGS
        return ImportResult(import_id, status, app.id, app.mode.value, dsl.warnings, imported_dsl_version=version)


class ConfirmImport:
    """Completes an import that waited for the user's confirmation (Dify's confirm): the kept document is
    imported (or overwrites the app it named) whatever its version. Rules: only the workspace's own pending
    import, once, within PENDING_IMPORT_SECONDS; otherwise `failed`, "expired or does not exist"."""

    def __init__(self, importer: ImportAppDsl, pending: PendingImports, codec: DslCodec) -> None:
        self._importer = importer
        self._pending = pending
        self._codec = codec

    async def execute(self, tenant_id: UUID, account_id: UUID, import_id: UUID) -> ImportResult:
        kept = await self._pending.take(tenant_id, import_id)
        if kept is None:
            error = "Import information expired or does not exist"
            return ImportResult(import_id, ImportStatus.FAILED, None, None, error=error)
        try:
            document = self._codec.load(kept.yaml_content)
        except ValueError as error:
            return ImportResult(import_id, ImportStatus.FAILED, None, None, error=str(error))
        overrides = AppOverrides(**{k: v for k, v in kept.overrides.items() if k in AppOverrides.__dataclass_fields__})
        result = await self._importer.write(
            import_id, tenant_id, account_id, document, ImportStatus.COMPLETED, overrides=overrides, app_id=kept.app_id
        )
        return result


class ExportAppDsl:
    """The app as Dify DSL YAML: its draft workflow (or published one), or its model config."""

    def __init__(self, uow: UnitOfWorkFactory, codec: DslCodec) -> None:
        self._uow = uow
        self._codec = codec

    async def execute(self, tenant_id: UUID, app_id: UUID) -> str:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            workflow = await uow.workflows.draft(app.id) or await uow.workflows.published(app.id)
            config = await uow.model_configs.current(app.id)
        meta = {
            "name": app.name,
            "mode": app.mode.value,
            "icon": app.icon,
            "icon_background": app.icon_background,
            "description": app.description,
            "use_icon_as_answer_icon": app.use_icon_as_answer_icon,
        }
        workflow_part = None
        if workflow is not None:
            workflow_part = {
                "graph": workflow.graph,
                "features": workflow.features,
                "environment_variables": workflow.environment_variables,
                "conversation_variables": workflow.conversation_variables,
            }
        config_part = None
        if config is not None and workflow is None:
            config_part = {
                "model": {
                    "provider": config.model.provider,
                    "name": config.model.name,
                    "mode": config.model.mode,
                    "completion_params": config.model.completion_params,
                },
                "pre_prompt": config.pre_prompt,
                "user_input_form": config.user_input_form,
                "opening_statement": config.opening_statement,
                "suggested_questions": config.suggested_questions,
                **config.features,
                **({"agent_mode": config.agent_mode.as_dict()} if config.agent_mode else {}),
            }
        return self._codec.dump(write_dsl(meta, workflow_part, config_part))
