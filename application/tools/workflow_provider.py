"""The workflow kind: a workspace's published workflow apps offered as tools, run inline by the caller."""

import json
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from application.service_api.resolve_end_user import ResolveEndUser
from application.workflows.run_workflow import RunWorkflow, RunWorkflowRequest
from domain.apps.entities import App, AppMode
from domain.shared.errors import DomainError
from domain.shared.unit_of_work import UnitOfWorkFactory
from domain.tools.entities import ProviderType, Tool, ToolInvocation, ToolMessage, ToolProviderInfo
from domain.tools.errors import ToolCallDepthExceeded, ToolInvokeError, ToolNotFound, ToolProviderNotFound
from domain.tools.naming import as_uuid
from domain.tools.stored import WorkflowToolProviderRecord
from domain.tools.unit_of_work import ToolsUnitOfWorkFactory
from domain.tools.workflow_tool import workflow_messages, workflow_tool
from domain.workflows.entities import RunStatus, Workflow


def provider_info(record: WorkflowToolProviderRecord, tool: Tool) -> ToolProviderInfo:
    return ToolProviderInfo(
        id=str(record.id),
        type=ProviderType.WORKFLOW,
        name=record.name,
        label=record.label,
        description=record.description,
        icon=json.dumps(dict(record.icon)),
        author="",
        tools=(tool,),
    )


class WorkflowToolProvider:
    """Rules: a call deeper than the limit is refused before anything runs (ToolCallDepthExceeded); the app
    runs for the caller's user as its own end user, one level deeper; a failed run fails the call with
    the run's error."""

    def __init__(
        self,
        record: WorkflowToolProviderRecord,
        app: App,
        workflow: Workflow,
        run: Callable[[], RunWorkflow],
        end_users: ResolveEndUser,
        max_depth: int,
    ) -> None:
        self._record = record
        self._app = app
        self._tool = workflow_tool(
            record.name, record.label, record.description, workflow.start_variables(), record.parameters
        )
        self._run = run
        self._end_users = end_users
        self._max_depth = max_depth

    def info(self) -> ToolProviderInfo:
        return provider_info(self._record, self._tool)

    async def tools(self) -> list[Tool]:
        return [self._tool]

    async def invoke(
        self, tool_name: str, parameters: Mapping[str, Any], invocation: ToolInvocation
    ) -> list[ToolMessage]:
        if tool_name != self._tool.name:
            raise ToolNotFound(f"Tool {tool_name} not found in provider {self._record.name}.")
        depth = invocation.call_depth + 1
        if depth > self._max_depth:
            raise ToolCallDepthExceeded(f"Workflow tools nest deeper than {self._max_depth} levels.")
        end_user = await self._end_users.execute(self._app, invocation.user_id or None)
        request = RunWorkflowRequest(self._app, end_user, dict(parameters), triggered_from="workflow-tool")
        try:
            run = await self._run().run_inline(request, depth)
        except DomainError as error:
            raise ToolInvokeError(error.message) from None
        if run.status not in (RunStatus.SUCCEEDED, RunStatus.PARTIAL_SUCCEEDED):
            raise ToolInvokeError(f"Workflow {self._record.name} {run.status.value}: {run.error or ''}".strip())
        return workflow_messages(run.outputs)


class WorkflowToolFinder:
    """Rules: a workflow provider is named by its id (DSL files and the console) or its name; its app must
    still be a workflow app with a published workflow, else it is not found."""

    def __init__(
        self,
        tools_uow: ToolsUnitOfWorkFactory,
        uow: UnitOfWorkFactory,
        run: Callable[[], RunWorkflow],
        end_users: ResolveEndUser,
        max_depth: int,
    ) -> None:
        self._tools_uow = tools_uow
        self._uow = uow
        self._run = run
        self._end_users = end_users
        self._max_depth = max_depth

    async def record(self, tenant_id: UUID, provider_id: str) -> WorkflowToolProviderRecord:
        async with self._tools_uow() as uow:
            provider_uuid = as_uuid(provider_id)
            record = await uow.workflow_providers.by_id(tenant_id, provider_uuid) if provider_uuid else None
            if record is None:
                record = await uow.workflow_providers.by_name(tenant_id, provider_id)
        if record is None:
            raise ToolProviderNotFound(f"Workflow tool provider {provider_id} not found.")
        return record

    async def _provider(self, record: WorkflowToolProviderRecord) -> WorkflowToolProvider:
        async with self._uow() as uow:
            app = await uow.apps.get(record.app_id)
            workflow = await uow.workflows.published(record.app_id) if app else None
        if app is None or app.tenant_id != record.tenant_id or app.mode != AppMode.WORKFLOW or workflow is None:
            raise ToolProviderNotFound(f"The workflow of tool provider {record.name} is not published.")
        return WorkflowToolProvider(record, app, workflow, self._run, self._end_users, self._max_depth)

    async def find(self, tenant_id: UUID, provider_id: str) -> WorkflowToolProvider:
        return await self._provider(await self.record(tenant_id, provider_id))

    async def credentials(self, tenant_id: UUID, provider_id: str) -> Mapping[str, Any]:
        return {}

    async def listed(self, tenant_id: UUID) -> list[ToolProviderInfo]:
        async with self._tools_uow() as uow:
            records = await uow.workflow_providers.for_tenant(tenant_id)
        listed = []
        for record in records:
            try:
                listed.append((await self._provider(record)).info())
            except ToolProviderNotFound:
                continue
        return listed
