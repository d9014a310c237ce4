"""The variable inspector's edits: the editor types a value for a node's output (or a chatflow's conversation
variable) and single-step runs of the nodes after it read that value; a reset goes back to the stored one."""

from typing import Any
from uuid import UUID

from application.workflows.draft_parts import InspectDraftVariables, InspectedVariable, value_type
from domain.shared.clock import Clock
from domain.shared.errors import InvalidParam
from domain.shared.unit_of_work import UnitOfWorkFactory

EDITABLE = ("node", "conversation")


def check_value_type(expected: str, value: Any) -> None:
    """An edit keeps the variable's type (Dify's segment types): `any` and `none` take any JSON value, an
    array each item of its kind; files are chosen by uploading, not typed."""
    if expected in ("any", "none"):
        return
    if expected in ("file", "array[file]"):
        raise InvalidParam("A file value cannot be edited in the inspector; run the node again.", param="value")
    if expected.startswith("array["):
        item = expected[len("array[") : -1]
        if isinstance(value, list) and (item == "any" or all(value_type(v) == item for v in value)):
            return
    elif value_type(value) == expected:
        return
    raise InvalidParam(f"The value must be of type {expected}, got {value_type(value)}.", param="value")


class EditDraftVariable:
    """Edits or resets one value the inspector shows.

    Rules: the variable is one the inspector shows for the app's draft (else not found); only a node's output
    or a conversation variable is edited (sys and environment values are not); the value keeps the variable's
    type; a name is not changed (weir keys values by their node's output names); no value and no name change
    nothing. An edit is stored and lasts until its node runs again, the inspector is cleared, or it is reset;
    a reset forgets it, so the value is the last run's again (a conversation variable's, the draft's)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._inspector = InspectDraftVariables(uow, clock)

    async def execute(
        self, tenant_id: UUID, app_id: UUID, variable_id: UUID, name: str | None, value: Any
    ) -> InspectedVariable:
        variable = await self._inspector.one(tenant_id, app_id, variable_id)
        if name is not None and name != variable.name:
            raise InvalidParam("An inspector value cannot be renamed; rename the node's output.", param="name")
        if value is None:
            return variable
        if variable.type not in EDITABLE:
            raise InvalidParam(f"variable not support updating, id={variable_id}")
        check_value_type(variable.value_type, value)
        async with self._uow() as uow:
            node_id, now = variable.selector[0], self._clock.now()
            await uow.workflow_runs.edit_inspector(app_id, node_id, variable.name, value, now)
            await uow.commit()
        return await self._inspector.one(tenant_id, app_id, variable_id)

    async def reset(self, tenant_id: UUID, app_id: UUID, variable_id: UUID) -> InspectedVariable:
        variable = await self._inspector.one(tenant_id, app_id, variable_id)
        if variable.edited:
            async with self._uow() as uow:
                await uow.workflow_runs.forget_inspector_edit(app_id, variable.selector[0], variable.name)
                await uow.commit()
            variable = await self._inspector.one(tenant_id, app_id, variable_id)
        return variable
