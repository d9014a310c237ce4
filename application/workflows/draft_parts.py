"""Parts of the draft the editor saves on their own (Dify's draft features, environment-variables and
conversation-variables), and the values its variable inspector shows."""

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from application.apps.find_app import app_in_tenant
from application.workflows.draft_system_values import system_values
from domain.apps.entities import App, AppMode
from domain.apps.errors import NotChatApp, NotWorkflowApp
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam, NotFound
from domain.shared.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.workflows.entities import DraftWorkflowNotExist, NodeExecution, Workflow
from domain.workflows.ports import InspectorEdit

Edits = dict[tuple[str, str], InspectorEdit]

PARTS = ("features", "environment_variables", "conversation_variables")


class UpdateDraftPart:
    """Replaces one part of an app's draft, the rest as it is. Rules: a workflow or chatflow app with a draft;
    features an object, variables a list of objects each with a name; conversation variables only for a
    chatflow (Dify's)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, tenant_id: UUID, account_id: UUID, app_id: UUID, part: str, value: Any) -> Workflow:
        if part not in PARTS:
            raise ValueError(part)
        _check_part(part, value)
        async with self._uow() as uow:
            app = await app_in_tenant(uow, tenant_id, app_id)
            if app.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT):
                raise NotWorkflowApp()
            if part == "conversation_variables" and app.mode != AppMode.ADVANCED_CHAT:
                raise NotChatApp()
            draft = await uow.workflows.draft(app.id)
            if draft is None:
                raise DraftWorkflowNotExist()
            updated = replace(draft, **{part: value}, updated_at=self._clock.now())
            await uow.workflows.save_draft_part(updated, part)  # only this part: a graph synced meanwhile stays
            await uow.commit()
        return updated


def _check_part(part: str, value: Any) -> None:
    if part == "features":
        if not isinstance(value, dict):
            raise InvalidParam("features must be an object", param="features")
        return
    if not isinstance(value, list) or not all(isinstance(v, dict) and v.get("name") for v in value):
        raise InvalidParam(f"{part} must be a list of variables, each with a name", param=part)


# --- the variable inspector: what each node of the draft produced the last time it ran


@dataclass(frozen=True, slots=True)
class InspectedVariable:
    """A value the inspector shows: a node's output (`node`), or a chatflow's conversation variable or an
    environment variable with its value from the draft (`conversation`, `env`)."""

    id: UUID
    type: str
    name: str
    selector: tuple[str, ...]
    value: Any
    description: str = ""
    edited: bool = False  # the editor's value, not the one its run stored (or the draft's default)
    declared_type: str = ""  # when known apart from the value (sys.files is array[file], even empty)

    @property
    def value_type(self) -> str:
        return self.declared_type or value_type(self.value)


def value_type(value: Any) -> str:
    """Dify's exposed type of a value (files by their mapping's shape)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "file" if value.get("dify_model_identity") == "__dify__file__" else "object"
    if isinstance(value, list):
        kinds = {value_type(item) for item in value}
        return f"array[{kinds.pop()}]" if len(kinds) == 1 else "array[any]"
    return "none" if value is None else "any"


def _node_variables(execution: NodeExecution, edits: Edits) -> list[InspectedVariable]:
    # A stable id per (execution, name): the same value keeps its id until the node runs again, which also
    # outdates an edit made before it.
    found = []
    for name, value in execution.outputs.items():
        if name.startswith("sys."):  # a root's copy of the system values: the inspector's system group has them
            continue
        edit = edits.get((execution.node_id, name))
        edited = edit is not None and edit.edited_at >= execution.created_at
        found.append(
            InspectedVariable(
                uuid.uuid5(execution.id, name),
                "node",
                name,
                (execution.node_id, name),
                edit.value if edit is not None and edited else value,
                edited=edited,
            )
        )
    return found


def _declared(draft: Workflow, kind: str, edits: Edits) -> list[InspectedVariable]:
    declared = draft.conversation_variables if kind == "conversation" else draft.environment_variables
    found = []
    for variable in declared:
        name = str(variable.get("name"))
        key = str(variable.get("id") or name)
        edit = edits.get((kind, name)) if kind == "conversation" else None
        found.append(
            InspectedVariable(
                uuid.uuid5(draft.id, f"{kind}:{key}"),
                kind,
                name,
                (kind, name),
                variable.get("value") if edit is None else edit.value,
                str(variable.get("description") or ""),
                edited=edit is not None,
            )
        )
    return found


def _shown(variable: InspectedVariable, ran_at: datetime, clears: dict[tuple[str, str], datetime]) -> bool:
    """A node's value is shown unless the inspector was cleared (all, its node, or it) since the node ran."""
    node_id = variable.selector[0]
    cleared = [clears.get(k) for k in (("", ""), (node_id, ""), (node_id, variable.name))]
    return all(at is None or ran_at > at for at in cleared)


class InspectDraftVariables:
    """The inspector's values, read from what was stored: each node's outputs from its newest execution
    of the draft (a test run or a single-step run) unless the inspector was cleared since, and the draft's
    conversation variables (always shown, with their values from the draft, as Dify prefills them).
    Rules: a workflow or chatflow app with a draft; sys and conversation values are asked for apart (Dify),
    sys values are the last test run's and are not edited;
    clearing hides the values stored so far until the node runs again (and forgets the edits made to them);
    an edited value (EditDraftVariable) is shown in place of the stored one until its node runs again."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def _draft(self, uow, tenant_id: UUID, app_id: UUID) -> Workflow:
        return (await self._app_draft(uow, tenant_id, app_id))[1]

    async def _app_draft(self, uow, tenant_id: UUID, app_id: UUID) -> tuple[App, Workflow]:
        app = await app_in_tenant(uow, tenant_id, app_id)
        if app.mode not in (AppMode.WORKFLOW, AppMode.ADVANCED_CHAT):
            raise NotWorkflowApp()
        draft = await uow.workflows.draft(app.id)
        if draft is None:
            raise DraftWorkflowNotExist()
        return app, draft

    async def nodes(self, tenant_id: UUID, app_id: UUID, node_id: str | None = None) -> list[InspectedVariable]:
        """Every node's values, or one node's (`node_id`)."""
        _check_node_id(node_id)
        async with self._uow() as uow:
            draft = await self._draft(uow, tenant_id, app_id)
            return await shown_node_variables(uow, draft, node_id)

    async def declared(self, tenant_id: UUID, app_id: UUID, kind: str) -> list[InspectedVariable]:
        async with self._uow() as uow:
            draft = await self._draft(uow, tenant_id, app_id)
            edits = await uow.workflow_runs.inspector_edits(draft.app_id) if kind == "conversation" else {}
        return _declared(draft, kind, edits)

    async def system(self, tenant_id: UUID, app_id: UUID) -> list[InspectedVariable]:
        """The `sys.*` values of the draft's last test run (none before one, nor after a clear of it all)."""
        async with self._uow() as uow:
            app, draft = await self._app_draft(uow, tenant_id, app_id)
            found = await system_values(uow, draft, app.mode)
        if found is None:
            return []
        run_id, values = found
        return [
            InspectedVariable(
                uuid.uuid5(run_id, f"sys:{name}"),
                "sys",
                name,
                ("sys", name),
                value,
                declared_type="array[file]" if name == "files" else "",
            )
            for name, value in values.items()
        ]

    async def one(self, tenant_id: UUID, app_id: UUID, variable_id: UUID) -> InspectedVariable:
        everything = await self.nodes(tenant_id, app_id)
        everything += await self.declared(tenant_id, app_id, "conversation")
        everything += await self.system(tenant_id, app_id)
        found = next((v for v in everything if v.id == variable_id), None)
        if found is None:
            raise NotFound(f"variable not found, id={variable_id}")
        return found

    async def clear(
        self, tenant_id: UUID, app_id: UUID, node_id: str | None = None, variable_id: UUID | None = None
    ) -> None:
        """Hides node values: all of them, one node's, or one (a conversation variable stays: its value
        is the draft's)."""
        _check_node_id(node_id)
        scope = ("", "") if node_id is None else (node_id, "")
        if variable_id is not None:
            variable = await self.one(tenant_id, app_id, variable_id)
            if variable.type != "node":
                return
            scope = (variable.selector[0], variable.name)
        async with self._uow() as uow:
            draft = await self._draft(uow, tenant_id, app_id)
            await uow.workflow_runs.clear_inspector(draft.app_id, scope[0], scope[1], self._clock.now())
            await uow.commit()


async def shown_node_variables(uow: UnitOfWork, draft: Workflow, node_id: str | None = None) -> list[InspectedVariable]:
    """The node values the inspector shows for the draft (all nodes', or one's): each node's newest execution's
    outputs, hidden when cleared since, the editor's value where it edited one since the node ran."""
    if node_id is not None:
        last = await uow.workflow_runs.last_node_run(draft.id, node_id)
        executions = [last] if last else []
    else:
        executions = await uow.workflow_runs.last_node_runs(draft.id)
    clears = await uow.workflow_runs.inspector_clears(draft.app_id)
    edits = await uow.workflow_runs.inspector_edits(draft.app_id) if executions else {}
    node_ids = {str(n.get("id")) for n in draft.graph.get("nodes") or []}
    return [
        v
        for e in executions
        if e.node_id in node_ids
        for v in _node_variables(e, edits)
        if _shown(v, e.created_at, clears)
    ]


async def conversation_values(uow: UnitOfWork, draft: Workflow) -> dict[str, Any]:
    """A chatflow draft's conversation variables as the inspector shows them (defaults, or the editor's)."""
    edits = await uow.workflow_runs.inspector_edits(draft.app_id)
    return {v.name: v.value for v in _declared(draft, "conversation", edits)}


def _check_node_id(node_id: str | None) -> None:
    if node_id in ("sys", "conversation", "env"):
        raise InvalidParam(f"invalid node_id, please use the {node_id} variables route, node_id={node_id}")
