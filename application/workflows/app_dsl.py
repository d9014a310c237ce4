from dataclasses import dataclass
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import App, AppMode, IconType
from domain.apps.model_config import parse_model_config
from domain.apps.rules import check_app_name
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.dsl import read_dsl, write_dsl
from domain.workflows.entities import DRAFT, Workflow
from domain.workflows.graph import parse_graph
from domain.workflows.ports import DslCodec


@dataclass(frozen=True, slots=True)
class ImportResult:
    id: UUID
    status: str  # completed, completed-with-warnings, failed
    app_id: UUID | None
    app_mode: str | None
    warnings: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True, slots=True)
class AppOverrides:
    """What the importer (or a copy) sets instead of the document's own: unset fields keep the document's."""

    name: str | None = None
    description: str | None = None
    icon_type: str | None = None
    icon: str | None = None
    icon_background: str | None = None


class ImportAppDsl:
    """Creates an app from Dify DSL YAML: the app, and its draft workflow or model config.

    Rules: kind app; a version newer in its major part is refused; the graph must parse; node types weir
    cannot run are reported by name (the import completes with warnings; runs reaching them fail); a bad
    document changes nothing and answers `failed` with the reason. `publish` also publishes the draft.
    `overrides` replace the document's name, description and icon (the console's import and copy dialogs);
    without `validate_graph` an unfinished draft is taken as it is (a copy of an app being built).
    """

    def __init__(
        self, uow: UnitOfWorkFactory, codec: DslCodec, clock: Clock, ids: IdGenerator, supported: frozenset[str]
    ):
        self._uow = uow
        self._codec = codec
        self._clock = clock
        self._ids = ids
        self._supported = supported

    async def execute(
        self, tenant_id: UUID, account_id: UUID, yaml_content: str, publish: bool = False,
        overrides: AppOverrides | None = None, validate_graph: bool = True,
    ) -> ImportResult:
        given = overrides or AppOverrides()
        import_id = self._ids.new_id()
        try:
            dsl = read_dsl(self._codec.load(yaml_content), self._supported)
            if dsl.graph is not None and (validate_graph or publish):
                parse_graph(dsl.graph)
        except (ValueError, InvalidParam) as error:
            return ImportResult(import_id, "failed", None, None, error=str(error))
        now = self._clock.now()
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
        if dsl.icon and len(dsl.icon) <= 255:
            app.icon, app.icon_type = dsl.icon, IconType.EMOJI
        if dsl.icon_background:
            app.icon_background = dsl.icon_background
        if given.icon and len(given.icon) <= 255:
            known = given.icon_type in {t.value for t in IconType}
            app.icon, app.icon_type = given.icon, IconType(given.icon_type) if known else IconType.EMOJI
        if given.icon_background:
            app.icon_background = given.icon_background
        async with self._uow() as uow:
            await uow.apps.add(app)
            if dsl.graph is not None:
                draft = Workflow(
                    id=self._ids.new_id(),
                    tenant_id=tenant_id,
                    app_id=app.id,
                    type="workflow" if app.mode == AppMode.WORKFLOW else "chat",
                    version=DRAFT,
                    graph=dsl.graph,
                    created_by=account_id,
                    created_at=now,
                    updated_at=now,
                    features=dsl.features,
                    environment_variables=dsl.environment_variables,
                    conversation_variables=dsl.conversation_variables,
                )
                await uow.workflows.save_draft(draft)
                if publish:
                    published = Workflow(
                        **{**draft.__dict__, "id": self._ids.new_id(), "version": now.strftime("%Y-%m-%d %H:%M:%S.%f")}
                    )
                    await uow.workflows.add_version(published)
            elif dsl.model_config:
                await uow.model_configs.add(parse_model_config(app.id, self._ids.new_id(), dsl.model_config))
            await uow.commit()
        status = "completed-with-warnings" if dsl.warnings else "completed"
        return ImportResult(import_id, status, app.id, app.mode.value, dsl.warnings)


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
