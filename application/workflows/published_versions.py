from dataclasses import replace
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.workflows.app_triggers import DraftWebhooks
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tenancy.entities import Account
from domain.workflows.entities import DRAFT, Workflow


class ListPublishedVersions:
    """A workflow app's version history for the editor's versions panel, and the one live now.
    Rules (Dify's): the app must be in the caller's workspace (AppNotFound otherwise); 1 ≤ limit ≤ 100,
    page ≥ 1; before the first publish the history is empty; after it, the draft ("Current Draft") heads the
    first page, then the published versions newest first; named_only leaves out the draft and the unnamed.
    Each version's author (the panel names it) comes with the page."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self,
        tenant_id: UUID,
        app_id: UUID,
        page: int,
        limit: int,
        named_only: bool = False,
        created_by: UUID | None = None,
    ) -> tuple[list[Workflow], bool, Workflow | None, dict[UUID, Account]]:
        if page < 1 or not 1 <= limit <= 100:
            raise InvalidParam("page must be ≥ 1 and limit between 1 and 100", param="limit")
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            live = await uow.workflows.published(app.id)
            if live is None:
                return [], False, None, {}
            versions, more = await uow.workflows.versions(
                app.id, page=page, limit=limit, named_only=named_only, created_by=created_by
            )
            authors: dict[UUID, Account] = {}
            for author in {w.created_by for w in [*versions, live]}:
                if (account := await uow.accounts.get(author)) is not None:
                    authors[author] = account
            return versions, more, live, authors


MAX_NAME, MAX_COMMENT = 20, 100  # Dify's bounds on a version's marks


def check_marks(name: str | None, comment: str | None) -> None:
    if name is not None and len(name) > MAX_NAME:
        raise InvalidParam(f"marked_name must be at most {MAX_NAME} characters", param="marked_name")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise InvalidParam(f"marked_comment must be at most {MAX_COMMENT} characters", param="marked_comment")


async def _version(uow, tenant_id: UUID, app_id: UUID, workflow_id: UUID) -> Workflow:
    app = await app_in_tenant(uow, tenant_id, app_id)
    workflow = await uow.workflows.get(workflow_id)
    if workflow is None or workflow.app_id != app.id:
        raise NotFound("Workflow not found")
    return workflow


class UpdateVersionMarks:
    """Names a version or changes its release notes (the draft too, as Dify lets it). Rules: at least one of
    the two given; Dify's bounds on their length."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, app_id: UUID, workflow_id: UUID, name: str | None, comment: str | None
    ) -> Workflow:
        if name is None and comment is None:
            raise InvalidParam("No valid fields to update")
        check_marks(name, comment)
        async with self._uow() as uow:
            workflow = await _version(uow, tenant_id, app_id, workflow_id)
            workflow.marked_name = workflow.marked_name if name is None else name
            workflow.marked_comment = workflow.marked_comment if comment is None else comment
            await uow.workflows.update_marks(workflow)
            await uow.commit()
        return workflow


class DeleteVersion:
    """Deletes a published version. Rules: never the draft, never the version the app runs now (Dify's)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, tenant_id: UUID, app_id: UUID, workflow_id: UUID) -> None:
        async with self._uow() as uow:
            workflow = await _version(uow, tenant_id, app_id, workflow_id)
            if workflow.is_draft:
                raise InvalidParam("Cannot delete draft workflow versions")
            live = await uow.workflows.published(workflow.app_id)
            if live is not None and live.id == workflow.id:
                raise InvalidParam("Cannot delete workflow that is currently in use by app")
            await uow.workflows.delete_version(workflow.id)
            await uow.commit()


class RestoreVersion:
    """Makes a published version's graph, features and variables the draft again (the draft's id kept)."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, webhooks: DraftWebhooks | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._webhooks = webhooks

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, workflow_id: UUID) -> Workflow:
        async with self._uow() as uow:
            source = await _version(uow, tenant_id, app_id, workflow_id)
            if source.is_draft:
                raise InvalidParam("Source workflow must be published")
            existing = await uow.workflows.draft(source.app_id)
            now = self._clock.now()
            draft = replace(
                source,
                id=existing.id if existing else self._ids.new_id(),
                version=DRAFT,
                created_by=account_id,
                created_at=existing.created_at if existing else now,
                updated_at=now,
                marked_name="",
                marked_comment="",
            )
            await uow.workflows.save_draft(draft)
            app = await uow.apps.get(source.app_id)
            if self._webhooks is not None and app is not None:
                await self._webhooks.sync(uow, app, draft.graph)
            await uow.commit()
        return draft
