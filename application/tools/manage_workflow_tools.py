"""Published workflow apps offered as tools: created, updated, read, deleted."""

from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from domain.apps.entities import AppMode
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.ids import IdGenerator
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import Tool
from domain.tools.errors import ToolProviderExists, ToolProviderNotFound
from domain.tools.stored import WorkflowToolParameter, WorkflowToolProviderRecord
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory
from domain.tools.workflow_tool import workflow_tool
from domain.workflows.entities import Workflow


@dataclass(frozen=True, slots=True)
class WorkflowToolForm:
    name: str
    label: str
    description: str = ""
    icon: dict[str, Any] = field(default_factory=dict)
    parameters: tuple[WorkflowToolParameter, ...] = ()
    privacy_policy: str = ""
    labels: tuple[str, ...] = ()


def _name(name: str) -> str:
    cleaned = (name or "").strip()
    if not cleaned or not all(c.isalnum() or c == "_" for c in cleaned) or len(cleaned) > 255:
        raise InvalidParam("name must be letters, digits and underscores.", param="name")
    return cleaned


def _label(label: str) -> str:
    if not (label or "").strip():
        raise InvalidParam("label is required.", param="label")
    return label.strip()


def _parameters(parameters: tuple[WorkflowToolParameter, ...]) -> tuple[WorkflowToolParameter, ...]:
    for parameter in parameters:
        if parameter.form not in ("llm", "form"):
            raise InvalidParam("parameter form must be llm or form.", param="parameters")
    return parameters


async def _published(uow, tenant_id: UUID, app_id: UUID) -> Workflow:
    app = await app_in_tenant(uow, tenant_id, app_id)
    if app.mode != AppMode.WORKFLOW:
        raise InvalidParam("Only workflow apps can be tools.", param="workflow_app_id")
    workflow = await uow.workflows.published(app.id)
    if workflow is None:
        raise InvalidParam("Publish the workflow before offering it as a tool.", param="workflow_app_id")
    return workflow


class CreateWorkflowTool:
    """Rules: the app is a published workflow app of the workspace; one tool per app; names unique."""

    def __init__(self, tools_uow: ToolsUnitOfWorkFactory, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator):
        self._tools_uow = tools_uow
        self._uow = uow
        self._clock = clock
        self._ids = ids

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, form: WorkflowToolForm) -> None:
        async with self._uow() as uow:
            workflow = await _published(uow, tenant_id, app_id)
        now = self._clock.now()
        record = WorkflowToolProviderRecord(
            id=self._ids.new_id(),
            tenant_id=tenant_id,
            app_id=app_id,
            name=_name(form.name),
            label=_label(form.label),
            icon=form.icon,
            description=form.description,
            parameters=_parameters(form.parameters),
            privacy_policy=form.privacy_policy,
            labels=form.labels,
            version=workflow.version,
            created_by=account_id,
            created_at=now,
            updated_at=now,
        )
        async with self._tools_uow() as uow:
            if await uow.workflow_providers.by_app(tenant_id, app_id) is not None:
                raise ToolProviderExists("This workflow is already a tool.", param="workflow_app_id")
            if await uow.workflow_providers.by_name(tenant_id, record.name) is not None:
                raise ToolProviderExists(f"A tool named {record.name} already exists.", param="name")
            await uow.workflow_providers.add(record)
            await uow.commit()


class UpdateWorkflowTool:
    def __init__(self, tools_uow: ToolsUnitOfWorkFactory, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._tools_uow = tools_uow
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, tool_id: UUID, form: WorkflowToolForm) -> None:
        async with self._tools_uow() as uow:
            old = await uow.workflow_providers.by_id(tenant_id, tool_id)
        if old is None:
            raise ToolProviderNotFound("Workflow tool not found.")
        async with self._uow() as uow:
            workflow = await _published(uow, tenant_id, old.app_id)
        record = replace(
            old,
            name=_name(form.name),
            label=_label(form.label),
            icon=form.icon or old.icon,
            description=form.description,
            parameters=_parameters(form.parameters),
            privacy_policy=form.privacy_policy,
            labels=form.labels,
            version=workflow.version,
            updated_at=self._clock.now(),
        )
        async with self._tools_uow() as uow:
            taken = await uow.workflow_providers.by_name(tenant_id, record.name)
            if taken is not None and taken.id != record.id:
                raise ToolProviderExists(f"A tool named {record.name} already exists.", param="name")
            await uow.workflow_providers.update(record)
            await uow.commit()


class DeleteWorkflowTool:
    def __init__(self, tools_uow: ToolsUnitOfWorkFactory) -> None:
        self._tools_uow = tools_uow

    async def execute(self, tenant_id: UUID, tool_id: UUID) -> None:
        async with self._tools_uow() as uow:
            if not await uow.workflow_providers.delete(tenant_id, tool_id):
                raise ToolProviderNotFound("Workflow tool not found.")
            await uow.commit()


class GetWorkflowTool:
    """The tool by its id or its app's id, with the tool it offers now and whether it is synced with the
    app's latest published version."""

    def __init__(self, tools_uow: ToolsUnitOfWorkFactory, uow: UnitOfWorkFactory) -> None:
        self._tools_uow = tools_uow
        self._uow = uow

    async def execute(
        self, tenant_id: UUID, tool_id: UUID | None = None, app_id: UUID | None = None
    ) -> tuple[WorkflowToolProviderRecord, Tool, bool]:
        async with self._tools_uow() as uow:
            if tool_id is not None:
                record = await uow.workflow_providers.by_id(tenant_id, tool_id)
            else:
                record = await uow.workflow_providers.by_app(tenant_id, app_id) if app_id else None
        if record is None:
            raise ToolProviderNotFound("Workflow tool not found.")
        async with self._uow() as uow:
            workflow = await uow.workflows.published(record.app_id)
        variables = workflow.start_variables() if workflow else []
        tool = workflow_tool(record.name, record.label, record.description, variables, record.parameters)
        return record, tool, workflow is not None and workflow.version == record.version
