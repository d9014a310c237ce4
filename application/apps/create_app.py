from dataclasses import dataclass
from uuid import UUID

from application.webapp.sites import add_site_and_install
from domain.apps.entities import App, AppMode
from domain.apps.model_config import MODEL_MODES, ModelSettings
from domain.apps.rules import check_app_name, check_description, parse_icon_type, parse_mode
from domain.apps.starting_config import starting_model_config
from domain.models.catalogue import find_provider
from domain.shared.clock import Clock
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
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
    The Service API is enabled from the start, as in Dify. A chat, agent-chat or completion app starts
    with the workspace's default LLM as its model (and a completion app with a `query` input its prompt
    uses), as Dify's templates do; with no default LLM it starts with no model config.
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
            await add_site_and_install(uow, app, self._ids.new_id())
            model = await _default_llm(uow, app.tenant_id) if app.mode is not AppMode.WORKFLOW else None
            config = starting_model_config(app.id, self._ids.new_id(), app.mode, model)
            if config is not None:
                await uow.model_configs.add(config)
            await uow.commit()
        self._metrics.emit(app_event_points("created", app.tenant_id, app.id, app.mode.value))
        return app


async def _default_llm(uow: UnitOfWork, tenant_id: UUID) -> ModelSettings | None:
    """The workspace's default LLM, named as the console names providers (plugin id), with its chat or
    completion mode."""
    default = next((d for d in await uow.providers.defaults(tenant_id) if d.model_type == "llm"), None)
    spec = find_provider(default.provider) if default else None
    if default is None or spec is None:
        return None
    credentials = await uow.providers.get(tenant_id, spec.name)
    mode = credentials.model(default.model).mode if credentials else "chat"
    return ModelSettings(spec.plugin_id, default.model, mode if mode in MODEL_MODES else "chat")
