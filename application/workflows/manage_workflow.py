from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.workflows.app_triggers import DraftWebhooks, PublishedTriggers
from domain.apps.entities import App, AppMode
from domain.apps.ports import CallerCache, NoCallerCache
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.workflows.entities import DRAFT, DraftWorkflowNotExist, Workflow
from domain.workflows.graph import parse_graph
from domain.workflows.triggers import check_triggers_allowed

WORKFLOW_APPS = (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT)


def _check_workflow_app(app: App) -> None:
    if app.mode not in WORKFLOW_APPS:
        raise InvalidParam("Only workflow and advanced-chat apps have a workflow.")


@dataclass(frozen=True, slots=True)
class DraftContent:
    graph: dict[str, Any]
    features: dict[str, Any]
    environment_variables: list[dict[str, Any]]
    conversation_variables: list[dict[str, Any]]


class SyncDraft:
    """Replaces an app's draft workflow (Dify's draft sync).

    Rules: the graph is an object whose `nodes` and `edges` (when present) are lists; nothing more is checked
    here, because the editor autosaves while the graph is being built (no start node yet, nodes not yet
    connected). The graph is validated where it must work: at publish and at every run.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, webhooks: DraftWebhooks | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._webhooks = webhooks

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, content: DraftContent) -> Workflow:
        if not isinstance(content.graph, dict):
            raise InvalidParam("graph must be an object", param="graph")
        for part in ("nodes", "edges"):
            if not isinstance(content.graph.get(part, []), list):
                raise InvalidParam(f"graph.{part} must be a list", param="graph")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            _check_workflow_app(app)
            existing = await uow.workflows.draft(app.id)
            now = self._clock.now()
            draft = Workflow(
                id=existing.id if existing else self._ids.new_id(),
                tenant_id=tenant_id,
                app_id=app.id,
                type="workflow" if app.mode == AppMode.WORKFLOW else "chat",
                version=DRAFT,
                graph=content.graph,
                created_by=account_id,
                created_at=existing.created_at if existing else now,
                updated_at=now,
                features=content.features,
                environment_variables=content.environment_variables,
                conversation_variables=content.conversation_variables,
            )
            await uow.workflows.save_draft(draft)
            if self._webhooks is not None:
                await self._webhooks.sync(uow, app, draft.graph)
            await uow.commit()
        return draft


class GetDraft:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID) -> Workflow:
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            draft = await uow.workflows.draft(app.id)
        if draft is None:
            raise DraftWorkflowNotExist()
        return draft


class PublishWorkflow:
    """Copies the draft into a new published version the Service API runs from now on (every process: the
    callers' cache forgets the app's published workflow once the version is stored)."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, cache: CallerCache | None = None,
        triggers: PublishedTriggers | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._cache = cache or NoCallerCache()
        self._triggers = triggers

    async def execute(
        self, tenant_id: UUID, account_id: UUID, app_id: UUID, marked_name: str = "", marked_comment: str = ""
    ) -> Workflow:
        if len(marked_name) > 20 or len(marked_comment) > 100:
            raise InvalidParam("marked_name is at most 20 characters and marked_comment at most 100")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            _check_workflow_app(app)
            draft = await uow.workflows.draft(app.id)
            if draft is None:
                raise InvalidParam("There is no draft to publish.")
            parse_graph(draft.graph)
            check_triggers_allowed(app.mode.value, draft.graph)
            now = self._clock.now()
            version = Workflow(
                id=self._ids.new_id(),
                tenant_id=tenant_id,
                app_id=app.id,
                type=draft.type,
                version=now.strftime("%Y-%m-%d %H:%M:%S.%f"),
                graph=draft.graph,
                created_by=account_id,
                created_at=now,
                updated_at=now,
                features=draft.features,
                environment_variables=draft.environment_variables,
                conversation_variables=draft.conversation_variables,
                marked_name=marked_name,
                marked_comment=marked_comment,
            )
            await uow.workflows.add_version(version)
            if self._triggers is not None:
                await self._triggers.sync(uow, app, version)
            await uow.commit()
        await self._cache.forget_app(app.id)
        return version
